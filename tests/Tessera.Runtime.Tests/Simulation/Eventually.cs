namespace Tessera.Runtime.Tests.Simulation;

/// <summary>Polls a set of conditions that each need to hold once, not all at the same moment.</summary>
internal static class Eventually
{
    /// <returns>The items whose condition never held before <paramref name="deadline"/>.</returns>
    public static async Task<List<T>> EachAsync<T>(IEnumerable<T> items, Func<T, bool> holds, TimeSpan deadline)
    {
        var pending = items.ToList();
        using var expiry = new CancellationTokenSource(deadline);
        while (true)
        {
            pending.RemoveAll(item => holds(item));
            if (pending.Count == 0 || expiry.IsCancellationRequested) return pending;
            await Task.Delay(10);
        }
    }
}
