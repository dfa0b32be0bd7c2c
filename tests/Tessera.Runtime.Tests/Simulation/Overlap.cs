using System.Collections.Concurrent;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Counts calls inside an entity that must run one at a time. For a [Cached] object, two calls inside at
/// once on different sites mean two sites held the state at once. Gauges are found by run name, since the
/// name is all a [Cached] state can carry between sites.
/// </summary>
internal sealed class Overlap
{
    private static readonly ConcurrentDictionary<string, Overlap> Runs = new();
    private int _inside;
    private int _overlaps;

    public int Overlaps => Volatile.Read(ref _overlaps);

    public static Overlap Of(string run) => Runs.GetOrAdd(run, static _ => new Overlap());

    public static void Forget(string run) => Runs.TryRemove(run, out _);

    public Scope Enter()
    {
        if (Interlocked.Increment(ref _inside) > 1) Interlocked.Increment(ref _overlaps);
        return new Scope(this);
    }

    public readonly struct Scope(Overlap gauge) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref gauge._inside);
    }
}
