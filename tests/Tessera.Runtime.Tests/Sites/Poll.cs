namespace Tessera.Runtime.Tests.Sites;

/// <summary>Waits for a condition by polling, never by sleeping a fixed time; fails the test at the deadline.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? deadline = null)
    {
        using var cancellation = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(5, cancellation.Token);
    }

    /// <summary>Whether <paramref name="condition"/> came true before <paramref name="deadline"/>, for a test that tries again.</summary>
    public static async Task<bool> TryUntilAsync(Func<bool> condition, TimeSpan deadline)
    {
        var giveUp = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow >= giveUp) return false;
            await Task.Delay(5);
        }
        return true;
    }
}
