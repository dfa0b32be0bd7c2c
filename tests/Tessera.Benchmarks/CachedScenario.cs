using System;
using System.Diagnostics;
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

/// <summary>Lives with the ball's other holder and takes the state there on request, so every move the home times starts with the state away.</summary>
[Stationary]
public partial class BallPuller
{
    private readonly Ball _ball;

    public BallPuller(Ball ball) => _ball = ball;

    public virtual Task<long> Pull() => _ball.HitAsync();
}

/// <summary>A call with the state here, against a plain virtual call with a lock, in nanoseconds per call.</summary>
internal sealed record LocalCall(Measurement Cached, double ReferenceNanos);

/// <summary>
/// A [Cached] ball homed in this process and taken by a child. Before each timed call the child pulls the state
/// to itself (a [Stationary] call on <see cref="BallPuller"/>, untimed); the timed call then has to move the
/// state here (FORWARD, TOKEN), and nothing else is going on, so each timed call is exactly one move.
/// </summary>
internal static class CachedScenario
{
    public const string Verb = "serve-cached";

    /// <summary>Child side: takes the ball, exports a puller for it and prints the puller's ticket.</summary>
    public static async Task ServeAsync(string ticket)
    {
        await using var site = await BenchmarkSite.StartAsync();
        var ball = await Ball.TakeAsync(site, ticket);
        Console.WriteLine(new BallPuller(ball).OfferUnlimited(site));
        await ChildControl.RunAsync();
    }

    public static Task<Scenario> StartAsync(CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        var site = scenario.Own(await BenchmarkSite.StartAsync(cancellationToken));
        var ball = Ball.Create();
        var child = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(30), cancellationToken, ball.Offer(site)));
        var puller = await BallPuller.TakeAsync(site, child.Announcement, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        // Moves serialize on the one object, so many callers would only queue: one caller is the measure.
        scenario.Workloads.Add(new Workload("tessera-cached-move", SystemUnderTest.Tessera, "Tessera [Cached] move between two processes", Shape.Sequential, 1, Payload.Int, child)
        {
            BeforeCall = puller.Pull,
            CallerFor = _ => ball.HitAsync,
            Verify = async _ =>
            {
                var there = await puller.Pull();
                Check.Equal(there + 1, await ball.HitAsync(), "Tessera [Cached] HitAsync after a pull");
            },
        });
    });

    /// <summary>Best of five timed loops, each call on this thread, so the thread's allocation count is the whole story.</summary>
    public static LocalCall MeasureLocal(RunSettings settings)
    {
        var ball = Ball.Create();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cached = NanosPerCall(ball.Hit, settings.LocalCalls);
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (6.0 * settings.LocalCalls);
        var reference = NanosPerCall(new LockedBall().Hit, settings.LocalCalls);
        var measurement = new Measurement("tessera-cached-local", SystemUnderTest.Tessera, "Tessera [Cached] call, state local", Shape.InProcess, 1, Payload.Int,
            null, null, 1e9 / cached, 6L * settings.LocalCalls, cached / 1000, null, bytes, null, 0, null);
        Console.Error.WriteLine($"  {measurement.Label}: {cached:F1} ns/call, {reference:F1} ns for a virtual call and a lock");
        return new LocalCall(measurement, reference);
    }

    private static double NanosPerCall(Func<long> call, int calls)
    {
        for (var i = 0; i < calls; i++) call();
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++) call();
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalNanoseconds / calls);
        }
        return best;
    }
}
