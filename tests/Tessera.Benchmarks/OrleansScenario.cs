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

public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<byte[]> EchoAsync(byte[] payload);
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<byte[]> EchoAsync(byte[] payload) => Task.FromResult(payload);
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
        await ChildProcess.ParentGoneAsync();
        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public static Task<Scenario> StartAsync(byte[] payload, CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
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

        var grain = host.Services.GetRequiredService<IClusterClient>().GetGrain<IEchoGrain>(0);
        scenario.Targets.Add(new Target("Orleans 10.4.2 grain call", _ => async () =>
        {
            var reply = await grain.EchoAsync(payload);
            if (reply.Length != payload.Length) throw new InvalidOperationException("Orleans echoed the wrong payload.");
        }, () => server.ProcessorTime));
    });

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
