using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>The object under test: it does nothing, so a call costs only what Tessera adds.</summary>
[Stationary]
public partial class EchoService
{
    public virtual int Echo(int x) => x;

    public virtual Task<byte[]> EchoAsync(byte[] payload) => Task.FromResult(payload);
}

internal static class TesseraScenario
{
    public const string Verb = "serve-tessera";

    /// <summary>Child side: exports one echo object and prints an unlimited ticket for it.</summary>
    public static async Task ServeAsync()
    {
        await using var site = await Site.StartAsync();
        var ticket = new EchoService().OfferUnlimited(site);
        Console.WriteLine(ticket);
        await ChildProcess.ParentGoneAsync();
    }

    public static Task<Scenario> StartAsync(byte[] payload, CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        var server = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(30), cancellationToken));
        var site = scenario.Own(await Site.StartAsync(cancellationToken: cancellationToken));
        var echo = await EchoService.TakeAsync(site, server.Announcement, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        scenario.Targets.Add(new Target($"Tessera EchoAsync(byte[{payload.Length}])", _ => async () =>
        {
            var reply = await echo.EchoAsync(payload);
            if (reply.Length != payload.Length) throw new InvalidOperationException("Tessera echoed the wrong payload.");
        }, () => server.ProcessorTime));
        // The synchronous shape blocks a thread per call; on 2 cores 64 blocked callers would measure the thread pool.
        scenario.Targets.Add(new Target("Tessera Echo(int), sync", _ => () =>
        {
            if (echo.Echo(42) != 42) throw new InvalidOperationException("Tessera echoed the wrong value.");
            return ValueTask.CompletedTask;
        }, () => server.ProcessorTime, Concurrent: false));
    });
}
