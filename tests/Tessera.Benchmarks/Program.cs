using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Benchmarks;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

switch (args)
{
    case [TesseraScenario.Verb]:
        await TesseraScenario.ServeAsync();
        return 0;
    case [PipelinedBenchmark.Verb]:
        await PipelinedBenchmark.ServeAsync();
        return 0;
    case [CachedScenario.Verb, var ticket]:
        await CachedScenario.ServeAsync(ticket);
        return 0;
    case [RawTcpScenario.Verb]:
        await RawTcpScenario.ServeAsync();
        return 0;
    case [OrleansScenario.Verb, var siloPort, var gatewayPort]:
        await OrleansScenario.ServeAsync(int.Parse(siloPort), int.Parse(gatewayPort));
        return 0;
}

var settings = RunSettings.Full;
var outPath = Path.Combine("artifacts", "bench.md");
var skipOrleans = false;
var pipelinedOnly = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            settings = RunSettings.Quick;
            break;
        case "--no-orleans":
            skipOrleans = true;
            break;
        case "--pipelined-only":
            pipelinedOnly = true;
            break;
        case "--out" when i + 1 < args.Length:
            outPath = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: Tessera.Benchmarks [--quick] [--no-orleans] [--pipelined-only] [--out PATH]");
            return 2;
    }
}

using var cancellation = new CancellationTokenSource();
// Unwinding through the awaits, rather than dying on the signal, is what disposes (kills) the children.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var payload = new byte[32];
Random.Shared.NextBytes(payload);
var notes = new List<string>();
ScenarioResult[] results;
Console.Error.WriteLine($"Starting servers, then measuring ({(settings == RunSettings.Quick ? "quick" : "full")} run)...");
try
{
    results = pipelinedOnly ? [] : await MeasureCallsAsync();
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}

// --pipelined-only skips the call scenarios, for iterating on the async protocol.
var report = pipelinedOnly ? "" : Report.ToMarkdown(results, settings, payload.Length, notes) + Environment.NewLine + CachedScenario.Report(results);
try
{
    report += Environment.NewLine + await PipelinedBenchmark.RunAsync(settings == RunSettings.Quick ? 2 : 5, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
Console.WriteLine(report);
var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
if (directory is not null) Directory.CreateDirectory(directory);
await File.WriteAllTextAsync(outPath, report);
Console.Error.WriteLine($"Wrote {Path.GetFullPath(outPath)}");
return 0;

async Task<ScenarioResult[]> MeasureCallsAsync()
{
    await using var tessera = await TesseraScenario.StartAsync(payload, cancellation.Token);
    await using var raw = await RawTcpScenario.StartAsync(payload, settings.Concurrency, cancellation.Token);
    await using var orleans = skipOrleans ? null : await TryStartOrleansAsync();
    await using var cached = await CachedScenario.StartAsync(cancellation.Token);
    var targets = new[] { tessera, raw, orleans, cached }.OfType<Scenario>().SelectMany(s => s.Targets).ToList();
    return await Harness.MeasureAsync(targets, settings, cancellation.Token);
}

// Orleans is only the yardstick: without it the Tessera and raw TCP figures still stand.
async Task<Scenario?> TryStartOrleansAsync()
{
    try
    {
        return await OrleansScenario.StartAsync(payload, cancellation.Token);
    }
    catch (Exception ex) when (ex is not OperationCanceledException)
    {
        notes.Add($"Orleans left out: it failed to start ({ex.GetType().Name}: {ex.Message}).");
        return null;
    }
}
