using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Tessera.Benchmarks;

internal static class Report
{
    public static string ToMarkdown(IReadOnlyList<ScenarioResult> results, RunSettings settings, int payloadBytes, IReadOnlyList<string> notes)
    {
        var text = new StringBuilder();
        text.AppendLine("# Tessera loopback benchmark");
        text.AppendLine();
        text.AppendLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores.");
        text.AppendLine($"Server in a child process, client in this one, over 127.0.0.1; {payloadBytes}-byte payload echoed.");
        text.AppendLine($"Hand-written Stopwatch harness (not BenchmarkDotNet): {settings.Warmup.TotalSeconds:0.#} s warm-up, "
            + $"{settings.LatencySamples} sequential calls for the percentiles, throughput as the median of {settings.Window.TotalMilliseconds:0} ms windows over {settings.ThroughputDuration.TotalSeconds:0.#} s; "
            + $"the scenarios take turns in {settings.Rounds} rounds, all servers running throughout. "
            + $"The {settings.Concurrency}-caller figures use {settings.Concurrency} async callers on one connection; the raw TCP floor tells replies apart by a slot id in the frame.");
        text.AppendLine($"Load average (1/5/15 min) at the end: {LoadAverage()}. Other work on these cores shows up in the p99s first.");
        foreach (var note in notes) text.AppendLine(note);
        text.AppendLine();
        text.AppendLine($"| scenario | p50 µs | p99 µs | calls/s (1) | calls/s ({settings.Concurrency}) |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine($"| {r.Name} | {r.P50Micros:F1} | {r.P99Micros:F1} | {r.CallsPerSecond1:N0} | {(r.CallsPerSecondN is { } n ? n.ToString("N0") : "-")} |");
        }

        var tessera = results[0];
        foreach (var peer in results.Skip(1).Where(r => !r.Name.StartsWith("Tessera", StringComparison.Ordinal)))
        {
            text.AppendLine($"| **ratio Tessera / {peer.Name}** | {tessera.P50Micros / peer.P50Micros:F2}x | {tessera.P99Micros / peer.P99Micros:F2}x "
                + $"| {tessera.CallsPerSecond1 / peer.CallsPerSecond1:F2}x | {Ratio(tessera.CallsPerSecondN, peer.CallsPerSecondN)} |");
        }
        text.AppendLine();
        text.AppendLine("Latency ratios above 1 mean Tessera is slower; throughput ratios below 1 mean Tessera is slower.");
        text.AppendLine();
        text.AppendLine($"Where the time goes: allocation and GCs in the calling process over the {settings.LatencySamples} sequential calls; "
            + $"CPU time per call in each process with {settings.Concurrency} callers (2 cores give 2,000,000 µs of CPU per second to share).");
        text.AppendLine();
        text.AppendLine($"| scenario | client B/call | client GCs gen0/1/2 | client GC pause ms | client CPU µs/call ({settings.Concurrency}) | server CPU µs/call ({settings.Concurrency}) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine($"| {r.Name} | {r.Cost.BytesPerCall:N0} | {r.Cost.Gen0}/{r.Cost.Gen1}/{r.Cost.Gen2} | {r.Cost.GcPauseMillis:F1} "
                + $"| {r.Cost.ClientCpuMicros?.ToString("F1") ?? "-"} | {r.Cost.ServerCpuMicros?.ToString("F1") ?? "-"} |");
        }
        return text.ToString();
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Ratio(double? numerator, double? denominator)
        => numerator is { } a && denominator is { } b ? $"{a / b:F2}x" : "-";
}
