using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>The system a workload measures; the ratios compare each row with the raw TCP and Orleans rows of the same shape.</summary>
internal enum SystemUnderTest
{
    RawTcp,
    Tessera,
    Orleans,
    Grpc,
}

/// <summary>How calls are made: one caller, many callers each awaiting its reply, or one caller keeping a window of calls in flight.</summary>
internal enum Shape
{
    Sequential,
    Concurrent,
    Pipelined,
    InProcess,
}

/// <summary>
/// One row of the results: a call shape against one server. Sequential and concurrent workloads give the
/// harness a call per caller (<see cref="CallerFor"/>), so the harness times each call; a pipelined workload
/// runs its own loop (<see cref="Pump"/>), because only it knows how to keep <see cref="Depth"/> calls in flight.
/// </summary>
internal sealed record Workload(string Id, SystemUnderTest System, string Label, Shape Shape, int Depth, Payload Payload, ChildProcess Server)
{
    /// <summary>Caller number i's call; the returned task ends with the reply.</summary>
    public Func<int, Func<Task>>? CallerFor { get; init; }

    /// <summary>Runs before each sequential call, untimed: puts the server in the state the timed call should find it in.</summary>
    public Func<Task>? BeforeCall { get; init; }

    /// <summary>Keeps <see cref="Depth"/> calls in flight until the token is cancelled, counting replies; ends with all replies in.</summary>
    public Func<CallCounter, CancellationToken, Task>? Pump { get; init; }

    /// <summary>Runs once before the warm-up, so a server that answers wrongly fails the run instead of being measured.</summary>
    public required Func<CancellationToken, Task> Verify { get; init; }
}

internal enum Payload
{
    Int,
    KiB,
}
