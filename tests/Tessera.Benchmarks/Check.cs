using System;
using System.Collections.Generic;

namespace Tessera.Benchmarks;

/// <summary>Fails the run when a server answers wrongly, so a broken server is never measured.</summary>
internal static class Check
{
    public static void Equal<T>(T expected, T actual, string what)
    {
        // No boxing: pumps check every reply.
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) throw new InvalidOperationException($"{what} answered {actual}, expected {expected}.");
    }
}
