using System;
using System.Globalization;
using System.Threading;

namespace Tessera.Benchmarks;

/// <summary>
/// What one process has spent so far: CPU time, bytes allocated on its managed heap, and work items its thread
/// pool ran (each a hand-off from one thread to another: a socket completion, a woken loop, a queued call). Two
/// samples around a phase, divided by the calls it made, give the cost per call on that side.
/// </summary>
internal readonly record struct ProcessSample(TimeSpan Cpu, long AllocatedBytes, long WorkItems)
{
    /// <summary>
    /// This process. Precise allocation counts include the allocation contexts other threads have not yet
    /// filled, which is what makes the figure honest when the work runs on pool threads.
    /// </summary>
    public static ProcessSample Current() => new(Environment.CpuUsage.TotalTime, GC.GetTotalAllocatedBytes(precise: true), ThreadPool.CompletedWorkItemCount);

    public static ProcessSample operator -(ProcessSample after, ProcessSample before)
        => new(after.Cpu - before.Cpu, after.AllocatedBytes - before.AllocatedBytes, after.WorkItems - before.WorkItems);

    public static ProcessSample operator +(ProcessSample a, ProcessSample b)
        => new(a.Cpu + b.Cpu, a.AllocatedBytes + b.AllocatedBytes, a.WorkItems + b.WorkItems);

    /// <summary>The line a child process answers a <c>stats</c> request with.</summary>
    public string ToLine() => FormattableString.Invariant($"{Cpu.Ticks} {AllocatedBytes} {WorkItems}");

    public static ProcessSample Parse(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 3) throw new FormatException($"Not a process sample: '{line}'.");
        return new(TimeSpan.FromTicks(long.Parse(parts[0], CultureInfo.InvariantCulture)), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
