using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>The [Cached] object under test: a counter, so a call costs only what the protocol adds.</summary>
[Cached]
public partial class Ball
{
    private long _hits;

    public virtual long Hit() => ++_hits;

    public virtual Task<long> HitAsync() => Task.FromResult(++_hits);
}

/// <summary>A local class with what a [Cached] call should cost when the state is here: a virtual call and an uncontended lock.</summary>
public class LockedBall
{
    private readonly Lock _gate = new();
    private long _hits;

    public virtual long Hit()
    {
        lock (_gate) return ++_hits;
    }
}

/// <summary>
/// A [Cached] ball shared by this process (its home) and a child that asks for it again as soon as it loses
/// it, so every call this process makes moves the state here (FORWARD, TOKEN) and the child's next request
/// moves it back: a move between two processes, the state passed back and forth.
/// </summary>
internal static class CachedScenario
{
    public const string Verb = "serve-cached";
    public const string MoveName = "Tessera [Cached] move, state back and forth";

    public static async Task ServeAsync(string ticket)
    {
        await using var site = await Site.StartAsync();
        var ball = await Ball.TakeAsync(site, ticket);
        ball.Hit();
        Console.WriteLine("ready");
        var parentGone = ChildProcess.ParentGoneAsync();
        try
        {
            // Two loops, so a call is always queued here: the request for the state goes out with the state itself.
            await Task.WhenAll(Loop(ball, parentGone), Loop(ball, parentGone));
        }
        catch (TesseraException) when (parentGone.IsCompleted || site.ConnectionCount == 0)
        {
            // The parent (the ball's home) went away mid-move: the run is over.
        }
    }

    private static async Task Loop(Ball ball, Task parentGone)
    {
        while (!parentGone.IsCompleted) await ball.HitAsync();
    }

    public static Task<Scenario> StartAsync(CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        var site = scenario.Own(await Site.StartAsync(cancellationToken: cancellationToken));
        var ball = Ball.Create();
        var child = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(30), cancellationToken, ball.Offer(site)));
        // Moves serialize on the one object, so many callers would only queue: one caller is the measure.
        scenario.Targets.Add(new Target(MoveName, _ => async () => await ball.HitAsync(), () => child.ProcessorTime, Concurrent: false));
    });

    /// <summary>The local call against a plain virtual call with a lock, and the move against one TCP round trip of the same run.</summary>
    public static string Report(ScenarioResult[] results)
    {
        var text = new StringBuilder();
        text.AppendLine("## [Cached]: moves and local calls");
        text.AppendLine();
        var move = results.FirstOrDefault(r => r.Name == MoveName);
        var tcp = results.FirstOrDefault(r => r.Name.StartsWith("Raw TCP", StringComparison.Ordinal));
        if (move is not null && tcp is not null)
        {
            text.AppendLine("| measure (same run) | p50 µs | p99 µs |");
            text.AppendLine("|---|---:|---:|");
            text.AppendLine($"| a move between two processes, state back and forth | {move.P50Micros:F1} | {move.P99Micros:F1} |");
            text.AppendLine($"| one raw TCP round trip | {tcp.P50Micros:F1} | {tcp.P99Micros:F1} |");
            text.AppendLine($"| **ratio move / round trip** | {move.P50Micros / tcp.P50Micros:F2}x | {move.P99Micros / tcp.P99Micros:F2}x |");
            text.AppendLine();
        }
        var cached = NanosPerCall(Ball.Create().Hit);
        var locked = NanosPerCall(new LockedBall().Hit);
        text.AppendLine("| call, state here | ns/call (best of 5 × 5,000,000) |");
        text.AppendLine("|---|---:|");
        text.AppendLine($"| Tessera [Cached] Hit() | {cached:F1} |");
        text.AppendLine($"| virtual call + uncontended lock | {locked:F1} |");
        text.AppendLine($"| **ratio** | {cached / locked:F2}x |");
        return text.ToString();
    }

    private static double NanosPerCall(Func<long> call)
    {
        const int calls = 5_000_000;
        for (var i = 0; i < calls / 10; i++) call();
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++) call();
            best = Math.Min(best, clock.Elapsed.TotalNanoseconds / calls);
        }
        return best;
    }
}
