using System.Diagnostics;
using Tessera.Infrastructure;
using Tessera.Sites;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// The proxy behind a reference, and its collection. A dropped proxy is collected by force, at the point the plan drops
/// it: every run shares the process, so whether and when a GC would come on its own depends on the other runs.
/// </summary>
internal static class Proxies
{
    /// <summary>Longer than a [Cached] state here usually takes to move on: until it does, the runtime keeps the proxy.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Collects until <paramref name="handle"/> (a weak reference to the dropped proxy's handle) is dead and its finalizer
    /// has run: then the site has counted the proxy dropped and sent its weight home, as for any proxy the CLR collects.
    /// The collections back off, since each one stops every run in the process.
    /// </summary>
    /// <returns>How many collections it took, or null if the proxy still lived after <see cref="Patience"/>.</returns>
    public static async Task<int?> CollectAsync(WeakReference handle)
    {
        var clock = Stopwatch.StartNew();
        for (var collections = 1; ; collections++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (!handle.IsAlive) return collections;
            if (clock.Elapsed >= Patience) return null;
            await Task.Delay(Math.Min(5 << collections, 100));
        }
    }

    /// <summary>The proxy a reference calls through: an [Async] reference's target, or the reference itself.</summary>
    public static object Of(object reference) => reference is IAsyncReference async ? async.Target : reference;

    /// <summary>The handle of the proxy behind <paramref name="reference"/>: its finalizer is the runtime's sign that the proxy was collected.</summary>
    public static ProxyHandle? HandleOf(object reference) => ReferenceTable.HandleOf(Of(reference));
}
