namespace Tessera.Runtime.Tests.Sites;

/// <summary>Waits for a condition by polling, never by sleeping a fixed time; fails the test at the deadline.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? deadline = null)
    {
        using var cancellation = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(5, cancellation.Token);
    }
}
