using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.Samples.Coder;

/// <summary>Runs <c>offer</c> in a child process and takes its ticket here: two OS processes, one object.</summary>
internal static class DemoCommand
{
    private static readonly TimeSpan TicketTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync()
    {
        Console.WriteLine("Tessera demo: a Coder lives in a child process; this process calls it through a ticket.");
        await WithOfferingChildAsync("stationary", async (site, ticket, child) =>
        {
            var coder = await Coder.TakeAsync(site, ticket);
            Console.WriteLine($"took it at {site.Address}: coder is a {coder.GetType().Name} (a generated proxy), yet still a Coder.");
            for (var i = 0; i < 3; i++) Console.WriteLine($"  coder.Get() = {coder.Get()}   (computed in process {child})");
            Console.WriteLine($"each call is one request and one reply; with the take: messages sent={site.Counters.TotalSent} received={site.Counters.TotalReceived}");
        });
        await WithOfferingChildAsync("cached", async (site, ticket, child) =>
        {
            var coder = await CachedCoder.TakeAsync(site, ticket);
            Console.WriteLine($"took it at {site.Address}: a [Cached] coder, whose state moves to the caller.");
            for (var i = 0; i < 3; i++)
            {
                var before = site.Counters.TotalSent + site.Counters.TotalReceived;
                var value = coder.Get();
                Console.WriteLine($"  coder.Get() = {value}   (computed here, {site.Counters.TotalSent + site.Counters.TotalReceived - before} messages)");
            }
            Console.WriteLine($"the first call moved the state from process {child} (GET and TOKEN), the others ran locally; with the take: messages sent={site.Counters.TotalSent} received={site.Counters.TotalReceived}");
        });
        Console.WriteLine("demo done.");
        return CoderCli.Ok;
    }

    /// <summary>Starts <c>offer --mode MODE</c> in a child process, takes its ticket with <paramref name="take"/>, then stops the child.</summary>
    private static async Task WithOfferingChildAsync(string mode, Func<Site, string, int, Task> take)
    {
        Console.WriteLine();
        Console.WriteLine($"--mode {mode}:");
        using var child = Process.Start(SelfStartInfo("offer", "--mode", mode)) ?? throw new InvalidOperationException("Could not start the offering child process.");
        try
        {
            var ticket = await ReadTicketAsync(child);
            Console.WriteLine($"child process {child.Id} offered its Coder(100) as this ticket:");
            Console.WriteLine($"  {ticket}");
            await using var site = await Site.StartAsync();
            await take(site, ticket, child.Id);
        }
        finally
        {
            await StopAsync(child);
        }
        Console.WriteLine("child stopped.");
    }

    private static async Task<string> ReadTicketAsync(Process child)
    {
        using var timeout = new CancellationTokenSource(TicketTimeout);
        var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
        if (string.IsNullOrWhiteSpace(line))
            throw new InvalidOperationException($"The child exited without a ticket: {await child.StandardError.ReadToEndAsync(timeout.Token)}");
        return line.Trim();
    }

    /// <summary>Closing stdin is the child's signal to stop; kill it if it lingers.</summary>
    private static async Task StopAsync(Process child)
    {
        if (child.HasExited) return;
        child.StandardInput.Close();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await child.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Starts this same program again, whether it runs as an apphost or as <c>dotnet Coder.dll</c>.</summary>
    private static ProcessStartInfo SelfStartInfo(params string[] arguments)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable is running.");
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            // Not Assembly.Location: it is empty in a NativeAOT build, and the analyzers that build turns on say so.
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Coder.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }
}
