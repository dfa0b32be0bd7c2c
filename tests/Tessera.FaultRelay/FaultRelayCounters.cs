namespace Tessera.FaultInjection;

/// <summary>What a relay has done so far, for tests to assert on. Every value only grows.</summary>
public sealed class FaultRelayCounters
{
    private long _accepted;
    private long _refused;
    private long _toUpstream;
    private long _toClient;

    /// <summary>Connections admitted for relaying.</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections reset on arrival: refusal was on, or <see cref="FaultRelayOptions.MaxConnections"/> was reached.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _refused);

    /// <summary>Bytes passed on from clients to the upstream, counted as each chunk is handed to the socket.</summary>
    public long BytesToUpstream => Interlocked.Read(ref _toUpstream);

    /// <summary>Bytes passed on from the upstream to clients, counted as each chunk is handed to the socket.</summary>
    public long BytesToClient => Interlocked.Read(ref _toClient);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);

    internal void CountRefused() => Interlocked.Increment(ref _refused);

    internal void CountForwarded(Direction direction, int bytes) =>
        Interlocked.Add(ref direction == Direction.ToUpstream ? ref _toUpstream : ref _toClient, bytes);
}

/// <summary>Which way a pump carries bytes.</summary>
internal enum Direction
{
    ToUpstream,
    ToClient,
}
