namespace Tessera.FaultInjection;

/// <summary>The bounds of one <see cref="FaultRelay"/>: it is a test tool, so it limits its own life and traffic.</summary>
public sealed class FaultRelayOptions
{
    /// <summary>The longest <see cref="Lifetime"/> allowed; a relay left running longer is a forgotten one.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    /// <summary>Connections relayed at once; further ones are reset on arrival and counted as refused.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>Bytes forwarded in both directions over all connections; the chunk that would pass it stops the relay.</summary>
    public long MaxBytesForwarded { get; init; } = 256L * 1024 * 1024;

    /// <summary>After this the relay stops by itself, resetting every connection.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Bytes one direction of one connection may hold inside the relay. When it is full the relay stops reading,
    /// so a blackhole or a delay pushes back on the sender through TCP flow control instead of growing without end.
    /// </summary>
    public int BufferBytesPerDirection { get; init; } = 256 * 1024;

    /// <summary>How long connecting to the upstream may take before the client is reset.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long stopping waits for connections to finish after resetting them.</summary>
    public TimeSpan DisposeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytesForwarded, 1, nameof(MaxBytesForwarded));
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferBytesPerDirection, 1, nameof(BufferBytesPerDirection));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Lifetime, TimeSpan.Zero, nameof(Lifetime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Lifetime, MaxLifetime, nameof(Lifetime));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DisposeTimeout, TimeSpan.Zero, nameof(DisposeTimeout));
    }
}
