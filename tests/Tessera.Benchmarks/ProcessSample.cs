using System;
using System.Globalization;

namespace Tessera.Benchmarks;

/// <summary>
/// What one process has spent so far: CPU time and bytes allocated on its managed heap. Two samples around a
/// phase, divided by the calls it made, give the cost per call on that side.
/// </summary>
internal readonly record struct ProcessSample(TimeSpan Cpu, long AllocatedBytes)
{
    /// <summary>
    /// This process. Precise allocation counts include the allocation contexts other threads have not yet
    /// filled, which is what makes the figure honest when the work runs on pool threads.
    /// </summary>
    public static ProcessSample Current() => new(Environment.CpuUsage.TotalTime, GC.GetTotalAllocatedBytes(precise: true));

    public static ProcessSample operator -(ProcessSample after, ProcessSample before)
        => new(after.Cpu - before.Cpu, after.AllocatedBytes - before.AllocatedBytes);

    public static ProcessSample operator +(ProcessSample a, ProcessSample b)
        => new(a.Cpu + b.Cpu, a.AllocatedBytes + b.AllocatedBytes);

    /// <summary>The line a child process answers a <c>stats</c> request with.</summary>
    public string ToLine() => FormattableString.Invariant($"{Cpu.Ticks} {AllocatedBytes}");

    public static ProcessSample Parse(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 2) throw new FormatException($"Not a process sample: '{line}'.");
        return new(TimeSpan.FromTicks(long.Parse(parts[0], CultureInfo.InvariantCulture)), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
