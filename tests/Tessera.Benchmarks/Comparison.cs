using System.Collections.Generic;
using System.Linq;

namespace Tessera.Benchmarks;

/// <summary>
/// Which row each row is compared with. Against raw TCP: the raw row of the same shape, depth and payload
/// (pipelined rows against raw pipelined echo at the same depth; local calls against a ping-pong). Against
/// Orleans: its sequential row for one caller, its 64-in-flight row for anything with calls in flight.
/// </summary>
internal sealed class Comparison(IReadOnlyList<Measurement> rows)
{
    public Measurement? RawFor(Measurement row) => row.Shape switch
    {
        Shape.Pipelined => Find(SystemUnderTest.RawTcp, Shape.Pipelined, row.Depth, Payload.Int),
        Shape.Concurrent => Find(SystemUnderTest.RawTcp, Shape.Concurrent, row.Depth, row.Payload),
        _ => Find(SystemUnderTest.RawTcp, Shape.Sequential, 1, row.Payload),
    };

    public Measurement? OrleansFor(Measurement row) => row.Shape is Shape.Sequential or Shape.InProcess
        ? Find(SystemUnderTest.Orleans, Shape.Sequential, 1, Payload.Int)
        : Find(SystemUnderTest.Orleans, Shape.Concurrent, RunSettings.Callers, Payload.Int);

    /// <summary>Calls/s of the row over calls/s of its baseline; null where there is none, or the row is its own.</summary>
    public static double? Throughput(Measurement row, Measurement? baseline)
        => baseline is null || baseline.Id == row.Id ? null : row.CallsPerSecond / baseline.CallsPerSecond;

    public Measurement? ById(string id) => rows.FirstOrDefault(r => r.Id == id);

    private Measurement? Find(SystemUnderTest system, Shape shape, int depth, Payload payload)
        => rows.FirstOrDefault(r => r.System == system && r.Shape == shape && r.Depth == depth && r.Payload == payload);
}
