using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Benchmarks.Grpc;

namespace Tessera.Benchmarks;

/// <summary>The service behind the gRPC peer: the same call as the grain's and the [Stationary] counter's.</summary>
public sealed class CounterService : Counter.CounterBase
{
    public override Task<Number> Next(Number request, ServerCallContext context) => Task.FromResult(new Number { Value = request.Value + 1 });
}

/// <summary>gRPC unary calls over HTTP/2 without TLS (h2c): Kestrel with Grpc.AspNetCore in a child process, Grpc.Net.Client here.</summary>
internal static class GrpcScenario
{
    public const string Verb = "serve-grpc";

    /// <summary>Child side: serves on an ephemeral loopback port, HTTP/2 only, and prints the port.</summary>
    public static async Task ServeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // stdout carries the port and the stats replies, so nothing may log there.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        await using var app = builder.Build();
        app.MapGrpcService<CounterService>();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Console.WriteLine(new Uri(address).Port);
        await ChildControl.RunAsync();
        await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public static Task<Scenario> StartAsync(CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        var server = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(30), cancellationToken));
        // One channel: its handler keeps one HTTP/2 connection and multiplexes the calls on it.
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.Announcement}");
        scenario.Own(async () =>
        {
            await channel.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(10));
            channel.Dispose();
        });
        var client = new Counter.CounterClient(channel);
        var requests = Enumerable.Range(0, RunSettings.Callers).Select(i => new Number { Value = i }).ToArray();
        Func<int, Func<Task>> next = caller => () => client.NextAsync(requests[caller]).ResponseAsync;
        Func<CancellationToken, Task> verify = async token => Check.Equal(42, (await client.NextAsync(new Number { Value = 41 }, cancellationToken: token)).Value, "gRPC Next(41)");
        scenario.Workloads.Add(new Workload("grpc-int-seq", SystemUnderTest.Grpc, "gRPC 2.85 unary Next(int), h2c", Shape.Sequential, 1, Payload.Int, server)
            { CallerFor = next, Verify = verify });
        scenario.Workloads.Add(new Workload($"grpc-int-{RunSettings.Callers}", SystemUnderTest.Grpc, $"gRPC 2.85 unary Next(int), h2c, {RunSettings.Callers} in flight", Shape.Concurrent, RunSettings.Callers, Payload.Int, server)
            { CallerFor = next, Verify = verify });
    });
}
