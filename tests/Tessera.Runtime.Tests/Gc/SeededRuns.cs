using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>The seeded simulations' driver: seeds four at a time (each seed its own sites), every failure reported.</summary>
internal static class SeededRuns
{
    private const int AtOnce = 4;

    /// <param name="run">Runs one seed; returns null, or what went wrong with it.</param>
    public static async Task AssertAllPassAsync(int seeds, Func<int, Task<string?>> run)
    {
        var failures = new List<string>();
        for (var first = 0; first < seeds; first += AtOnce)
        {
            foreach (var failure in await Task.WhenAll(Enumerable.Range(first, Math.Min(AtOnce, seeds - first)).Select(run)))
            {
                if (failure is not null) failures.Add(failure);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds} seeds failed:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(10))}");
    }
}
