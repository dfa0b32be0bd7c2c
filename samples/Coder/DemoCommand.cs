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
        Console.WriteLine("Tessera demo: a [Stationary] Coder lives in a child process; this process calls it through a ticket.");
        using var child = Process.Start(SelfStartInfo("offer")) ?? throw new InvalidOperationException("Could not start the offering child process.");
        try
        {
            var ticket = await ReadTicketAsync(child);
            Console.WriteLine($"child process {child.Id} offered its Coder(100) as this ticket:");
            Console.WriteLine($"  {ticket}");

            await using var site = await Site.StartAsync();
            var coder = await Coder.TakeAsync(site, ticket);
            Console.WriteLine($"took it at {site.Address}: coder is a {coder.GetType().Name} (a generated proxy), yet still a Coder.");
            for (var i = 0; i < 3; i++) Console.WriteLine($"  coder.Get() = {coder.Get()}   (computed in process {child.Id})");
            Console.WriteLine($"each call is one request and one reply; with the take: messages sent={site.Counters.TotalSent} received={site.Counters.TotalReceived}");
        }
        finally
        {
            await StopAsync(child);
        }
        Console.WriteLine("child stopped; demo done.");
        return CoderCli.Ok;
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
            info.ArgumentList.Add(typeof(DemoCommand).Assembly.Location);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }
}
