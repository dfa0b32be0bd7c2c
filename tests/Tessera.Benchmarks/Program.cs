using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Benchmarks;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// A child process: this same program, started by the benchmark with a serve-* verb.
switch (args)
{
    case [RawTcpScenario.Verb]:
        await RawTcpScenario.ServeAsync();
        return 0;
    case [StationaryScenario.Verb]:
        await StationaryScenario.ServeAsync();
        return 0;
    case [AsyncScenario.Verb]:
        await AsyncScenario.ServeAsync();
        return 0;
    case [CachedScenario.Verb, var ticket]:
        await CachedScenario.ServeAsync(ticket);
        return 0;
    case [OrleansScenario.Verb, var siloPort, var gatewayPort]:
        await OrleansScenario.ServeAsync(int.Parse(siloPort), int.Parse(gatewayPort));
        return 0;
    case [GrpcScenario.Verb]:
        await GrpcScenario.ServeAsync();
        return 0;
}

if (RunOptions.Parse(args) is not { } options) return 2;

using var cancellation = new CancellationTokenSource();
// Unwinding through the awaits, rather than dying on the signal, is what disposes (kills) the children.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

RunResults results;
try
{
    results = await Suite.RunAsync(options, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}

var report = await Output.WriteAsync(results, options);
Console.WriteLine(report);
return 0;
