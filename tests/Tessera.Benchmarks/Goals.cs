using System;
using System.Collections.Generic;
using System.Globalization;

namespace Tessera.Benchmarks;

/// <param name="Met">Null when a row it needs is missing from the run (e.g. <c>--no-orleans</c>).</param>
internal sealed record GoalResult(string Goal, string Measured, bool? Met);

/// <summary>The goals of issue 9, each judged on figures from the same run.</summary>
internal static class Goals
{
    /// <summary>The smallest object .NET allocates on 64-bit: a second allocation would add at least this.</summary>
    private const double SmallestObjectBytes = 24;

    /// <summary>
    /// The runtime counts bytes, not objects, so "at most one allocation" is judged in bytes, against figures of
    /// the same run. The one allocation is the <c>Task&lt;int&gt;</c> the proxy method returns
    /// (<paramref name="oneProxyTaskBytes"/>, measured by <see cref="AllocationYardstick"/>). Both processes also
    /// allocate a little for timers and heartbeats whatever the calls do; the blocking call, which allocates no
    /// object of its own, measures that background. The goal is met when what the call adds over that background
    /// is less than the one task plus the smallest second object.
    /// </summary>
    public static IReadOnlyList<GoalResult> Evaluate(Comparison rows, double oneProxyTaskBytes)
    {
        var stationary = rows.ById("tessera-stationary-int-seq");
        var goals = new List<GoalResult>
        {
            Judge("[Stationary] p50 ≤ Orleans p50", stationary, rows.ById("orleans-int-seq"), (t, o) =>
                ($"{t.P50Micros:F1} µs vs {o.P50Micros:F1} µs ({t.P50Micros / o.P50Micros:F2}×)", t.P50Micros <= o.P50Micros)),
        };
        foreach (var depth in new[] { RunSettings.ShallowDepth, RunSettings.DeepDepth })
        {
            var async = rows.ById($"tessera-async-{depth}");
            goals.Add(Judge($"[Async] {depth} outstanding ≥ 3× Orleans {RunSettings.Callers} in flight", async, rows.ById($"orleans-int-{RunSettings.Callers}"), (a, o) =>
                (Throughputs(a, o), a.CallsPerSecond >= 3 * o.CallsPerSecond)));
            goals.Add(Judge($"[Async] {depth} outstanding ≥ 0.6× raw TCP pipelined", async, rows.ById($"raw-pipelined-{depth}"), (a, r) =>
                (Throughputs(a, r), a.CallsPerSecond >= 0.6 * r.CallsPerSecond)));
        }
        goals.Add(Judge("[Cached] move ≤ 1.5 TCP round trips", rows.ById("tessera-cached-move"), rows.ById("raw-int-seq"), (m, r) =>
            ($"p50 {m.P50Micros:F1} µs vs {r.P50Micros:F1} µs ({m.P50Micros / r.P50Micros:F2} round trips)", m.P50Micros <= 1.5 * r.P50Micros)));
        var background = rows.ById("tessera-stationary-blocking-seq")?.Bytes ?? 0;
        goals.Add(Judge("≤ 1 allocation per [Stationary] call", stationary, stationary, (s, _) =>
            ($"{s.ClientBytes:F0} B client + {s.ServerBytes:F0} B server per call: {s.Bytes - background:F0} B over the {background:F0} B background of the blocking call; the proxy's Task<int> is {oneProxyTaskBytes:F0} B",
             s.Bytes - background < oneProxyTaskBytes + SmallestObjectBytes)));
        return goals;
    }

    private static GoalResult Judge(string goal, Measurement? row, Measurement? baseline, Func<Measurement, Measurement, (FormattableString Measured, bool Met)> judge)
    {
        if (row is null || baseline is null) return new(goal, "not measured", null);
        var (measured, met) = judge(row, baseline);
        return new(goal, measured.ToString(CultureInfo.InvariantCulture), met);
    }

    private static FormattableString Throughputs(Measurement row, Measurement baseline)
        => $"{row.CallsPerSecond:N0} vs {baseline.CallsPerSecond:N0} calls/s ({row.CallsPerSecond / baseline.CallsPerSecond:F2}×)";
}
