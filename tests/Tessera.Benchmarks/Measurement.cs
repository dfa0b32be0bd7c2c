namespace Tessera.Benchmarks;

/// <summary>
/// One row of results. Latency is null where it is not a round trip (pipelined, in-process); CPU, allocation
/// and thread-pool work items are per call, over every call the row made, in the calling process and in the server's.
/// </summary>
internal sealed record Measurement(
    string Id,
    SystemUnderTest System,
    string Label,
    Shape Shape,
    int Depth,
    Payload Payload,
    double? P50Micros,
    double? P99Micros,
    double CallsPerSecond,
    long Calls,
    double ClientCpuMicros,
    double? ServerCpuMicros,
    double ClientBytes,
    double? ServerBytes,
    double ClientWorkItems,
    double? ServerWorkItems)
{
    public double CpuMicros => ClientCpuMicros + (ServerCpuMicros ?? 0);

    public double Bytes => ClientBytes + (ServerBytes ?? 0);
}
