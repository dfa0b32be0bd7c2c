using System;

namespace Tessera.Transport;

/// <summary>Limits shared by every transport.</summary>
public sealed record TransportOptions
{
    /// <summary>Largest frame body accepted or sent. Larger inbound frames close the connection.</summary>
    public int MaxFrameSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Frames queued per connection before <see cref="IFrameConnection.SendAsync"/> waits; at most 1,048,576.</summary>
    public int SendQueueCapacity { get; init; } = 1024;

    /// <summary>
    /// Messages nobody awaits (an <c>[Async]</c> call's result, GC and dataflow messages) that may wait at once for room in
    /// one connection's full send queue; one more closes the connection with <see cref="PeerNotReadingException"/>. A peer
    /// that reads keeps this near zero; keep it above the callers' <c>SiteOptions.MaxOutstandingAsyncCalls</c>, and above
    /// the number of shared variables a program binds at once for one peer.
    /// </summary>
    public int MaxMessagesWaitingForRoom { get; init; } = 65_536;

    /// <summary>How long a dial may take before it fails, and how long an accepted connection may take to say Hello.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connections a site keeps at once, handshaking ones included; more are refused at accept. With TLS, as many TLS
    /// handshakes again may be under way before their connections count here.
    /// </summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>Mutual TLS on every connection; null, the default, is plain TCP. Only the TCP transport offers it.</summary>
    public Tcp.TlsOptions? Tls { get; init; }

    public void Validate()
    {
        if (MaxFrameSize < 64) throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), MaxFrameSize, "A frame limit below 64 bytes cannot carry a handshake.");
        if (SendQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(SendQueueCapacity), SendQueueCapacity, "The send queue needs room for at least one frame.");
        if (SendQueueCapacity > Framing.SendQueue.MaxCapacity)
            throw new ArgumentOutOfRangeException(nameof(SendQueueCapacity), SendQueueCapacity, $"The send queue holds at most {Framing.SendQueue.MaxCapacity} frames.");
        if (MaxMessagesWaitingForRoom < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxMessagesWaitingForRoom), MaxMessagesWaitingForRoom, "At least one message must be allowed to wait for room.");
        if (MaxConnections < 1) throw new ArgumentOutOfRangeException(nameof(MaxConnections), MaxConnections, "A site needs room for at least one connection.");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "The connect timeout must be positive.");
        Tls?.Validate();
    }
}
