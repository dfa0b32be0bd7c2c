using System;

namespace Tessera.TestHost;

/// <summary>Managed memory as the churn roles report it: what is still reachable after full collections.</summary>
internal static class SettledMemory
{
    /// <summary>Runs finalizers (a collected proxy's finalizer returns its weight) until a collection frees no more.</summary>
    public static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    public static long Measure()
    {
        Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
