using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;

namespace Tessera.Benchmarks;

public interface ICounterGrain : IGrainWithIntegerKey
{
    Task<int> Next(int x);
}

public sealed class CounterGrain : Grain, ICounterGrain
{
    public Task<int> Next(int x) => Task.FromResult(x + 1);
}

/// <summary>The peer to beat: an Orleans silo in its own process, called through an Orleans client.</summary>
internal static class OrleansScenario
{
    public const string Verb = "serve-orleans";

    /// <summary>Child side: hosts a localhost silo on the given ports and says READY once it accepts clients.</summary>
    public static async Task ServeAsync(int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        // stdout carries the READY line, so the console logger must not write there.
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, gatewayPort));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine("READY");
        await ChildControl.RunAsync();
        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public static Task<Scenario> StartAsync(CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        // The default ports (11111/30000) could be taken by anything else on the machine.
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var server = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(60), cancellationToken, siloPort.ToString(), gatewayPort.ToString()));

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort));
        var host = builder.Build();
        scenario.Own(async () =>
        {
            await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
        });
        await host.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

        var grain = host.Services.GetRequiredService<IClusterClient>().GetGrain<ICounterGrain>(0);
        Func<int, Func<Task>> next = caller => () => grain.Next(caller);
        Func<CancellationToken, Task> verify = async _ => Check.Equal(42, await grain.Next(41), "Orleans Next(41)");
        scenario.Workloads.Add(new Workload("orleans-int-seq", SystemUnderTest.Orleans, "Orleans 10.4.2 grain Task<int> Next(int)", Shape.Sequential, 1, Payload.Int, server)
            { CallerFor = next, Verify = verify });
        scenario.Workloads.Add(new Workload($"orleans-int-{RunSettings.Callers}", SystemUnderTest.Orleans, $"Orleans 10.4.2 grain Task<int> Next(int), {RunSettings.Callers} in flight", Shape.Concurrent, RunSettings.Callers, Payload.Int, server)
            { CallerFor = next, Verify = verify });
    });

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
