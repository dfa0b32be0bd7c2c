using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.Samples.Coder;

/// <summary>
/// <c>offer</c> serves a Coder and prints its ticket; <c>take</c> calls it from another process;
/// no arguments runs both as a demo. Exit codes: 0 ok, 1 failure, 2 usage, 3 the coder failed for good
/// (its home died), 4 unreachable, 5 bad ticket.
/// </summary>
internal static class CoderCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int HomeFailed = 3;
    public const int Unreachable = 4;
    public const int BadTicket = 5;

    private const string UsageText = """
        usage:
          Coder                                   run the demo (offer in a child process, take here)
          Coder offer [--ticket-file PATH] [--mode MODE]
                                                  serve a Coder(100); print its ticket; serve until killed or stdin closes
          Coder take TICKET [--count N] [--mode MODE] [--interval-ms M]
                                                  call Get N times (default 3); print values and message counts
                                                  with --interval-ms: one Get every M ms (N = 0: until stopped), a
                                                  line 'fault: STATE' per fault transition; exit 3 once the home died
        MODE is stationary (the default: one blocking round trip per Get), cached (a [Cached] coder: the
        first Get moves its state here, the others run locally and send nothing) or async (an [Async] coder:
        take fires the N calls without waiting, prints each value as it is used, then sum=X).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            if (args.Length == 0) return await DemoCommand.RunAsync();
            return args[0] switch
            {
                "offer" => await OfferAsync(args.AsSpan(1).ToArray()),
                "take" => await TakeAsync(args.AsSpan(1).ToArray()),
                "-h" or "--help" or "help" => PrintUsage(Console.Out, Ok),
                _ => PrintUsage(Console.Error, Usage, $"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            return PrintUsage(Console.Error, Usage, ex.Message);
        }
        catch (TicketException ex)
        {
            return Fail(BadTicket, ex);
        }
        catch (ProtocolVersionMismatchException ex)
        {
            return Fail(BadTicket, ex);
        }
        catch (SiteUnreachableException ex)
        {
            return Fail(Unreachable, ex);
        }
        catch (EntityFaultException ex) when (ex.State is FaultState.PermFail)
        {
            return Fail(HomeFailed, ex);
        }
        catch (TesseraException ex)
        {
            return Fail(Failed, ex);
        }
    }

    private static async Task<int> OfferAsync(string[] args)
    {
        string? ticketFile = null;
        var mode = CoderMode.Stationary;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ticket-file") ticketFile = Value(args, ref i);
            else if (args[i] == "--mode") mode = Mode(args, ref i);
            else throw new UsageException($"unknown option '{args[i]}' for offer");
        }

        await using var site = await Site.StartAsync();
        var ticket = mode switch
        {
            CoderMode.Async => AsyncCoder.Create(100).Offer(site),
            CoderMode.Cached => CachedCoder.Create(100).Offer(site),
            _ => new Coder(100).Offer(site),
        };
        if (ticketFile is not null) await WriteAtomicallyAsync(ticketFile, ticket);
        Console.Out.WriteLine(ticket);
        Console.Out.Flush();
        Console.Error.WriteLine($"serving Coder(100) at {site.Address}; stop with Ctrl-C or by closing stdin");

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        await WaitForStdinToCloseAsync(stop.Token);
        return Ok;
    }

    private static async Task<int> TakeAsync(string[] args)
    {
        string? ticket = null;
        var count = 3;
        TimeSpan? interval = null;
        var mode = CoderMode.Stationary;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--mode") mode = Mode(args, ref i);
            else if (args[i] == "--interval-ms")
            {
                var text = Value(args, ref i);
                if (!int.TryParse(text, out var milliseconds) || milliseconds < 1) throw new UsageException($"--interval-ms needs a whole number >= 1, not '{text}'");
                interval = TimeSpan.FromMilliseconds(milliseconds);
            }
            else if (args[i] == "--count")
            {
                var text = Value(args, ref i);
                if (!int.TryParse(text, out count) || count < 0) throw new UsageException($"--count needs a whole number >= 0, not '{text}'");
            }
            else if (ticket is null && !args[i].StartsWith("--", StringComparison.Ordinal)) ticket = args[i];
            else throw new UsageException($"unexpected argument '{args[i]}' for take");
        }
        if (ticket is null) throw new UsageException("take needs a TICKET");

        await using var site = await Site.StartAsync();
        if (interval is { } every) return await TakeWatchedAsync(site, ticket, mode, count, every);
        switch (mode)
        {
            case CoderMode.Async:
                await AsyncTake.RunAsync(site, ticket, count);
                break;
            case CoderMode.Cached:
                var cached = await CachedCoder.TakeAsync(site, ticket);
                for (var i = 0; i < count; i++) Console.Out.WriteLine(cached.Get());
                break;
            default:
                var coder = await Coder.TakeAsync(site, ticket);
                for (var i = 0; i < count; i++) Console.Out.WriteLine(coder.Get());
                break;
        }
        Console.Out.WriteLine($"messages sent={site.Counters.TotalSent} received={site.Counters.TotalReceived}");
        return Ok;
    }

    private static async Task<int> TakeWatchedAsync(Site site, string ticket, CoderMode mode, int count, TimeSpan interval)
    {
        switch (mode)
        {
            case CoderMode.Async:
                var active = await AsyncCoder.TakeAsync(site, ticket);
                return await WatchedTake.RunAsync(active, async _ => await active.Get(), count, interval);
            case CoderMode.Cached:
                var cached = await CachedCoder.TakeAsync(site, ticket);
                return await WatchedTake.RunAsync(cached, _ => ValueTask.FromResult(cached.Get()), count, interval);
            default:
                var coder = await Coder.TakeAsync(site, ticket);
                return await WatchedTake.RunAsync(coder, _ => ValueTask.FromResult(coder.Get()), count, interval);
        }
    }

    /// <summary>Blocks until stdin reaches end of file: the parent closed it, so this server should stop.</summary>
    private static async Task WaitForStdinToCloseAsync(CancellationToken cancellationToken)
    {
        var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        try
        {
            while (await stdin.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes then renames, so a reader polling for the file never sees half a ticket.</summary>
    private static async Task WriteAtomicallyAsync(string path, string ticket)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, ticket + Environment.NewLine);
        File.Move(temporary, path, overwrite: true);
    }

    private static CoderMode Mode(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        return CoderModes.Parse(text) ?? throw new UsageException($"--mode must be {CoderModes.Names}, not '{text}'");
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length) throw new UsageException($"{args[i]} needs a value");
        return args[++i];
    }

    private static int PrintUsage(TextWriter writer, int code, string? problem = null)
    {
        if (problem is not null) writer.WriteLine($"error: {problem}");
        writer.WriteLine(UsageText);
        return code;
    }

    private static int Fail(int code, Exception ex)
    {
        Console.Error.WriteLine($"error: {ex.GetType().Name}: {ex.Message}");
        return code;
    }

    private sealed class UsageException(string message) : Exception(message);
}
