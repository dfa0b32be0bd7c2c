using System;
using Microsoft.Extensions.Logging;
using Tessera.Transport;

namespace Tessera;

/// <summary>How a <see cref="Site"/> starts. Every property has a working default.</summary>
public sealed record SiteOptions
{
    /// <summary>Where to listen. The default is loopback with an ephemeral port.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1:0";

    /// <summary>Addresses written into tickets and references; defaults to the bound listen address.</summary>
    public string[]? AdvertisedAddresses { get; init; }

    /// <summary>A stable site id across restarts; null draws a random one. The incarnation is always fresh.</summary>
    public Guid? SiteId { get; init; }

    /// <summary>The transport; null uses TCP. The site owns it and disposes it when it stops: give each site its own.</summary>
    public ITransport? Transport { get; init; }

    public TransportOptions TransportOptions { get; init; } = new();

    /// <summary>The deadline of a call that was given none. No call waits longer than this.</summary>
    public TimeSpan DefaultCallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long taking a ticket may take, connection included.</summary>
    public TimeSpan TakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a stop waits for frames already queued to reach the wire before closing connections.
    /// Calls still running at home when the site stops get no reply; their callers see the connection close.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Async calls (and their reply variables) one connection may have outstanding. Past it, a call
    /// waits for a reply to free a slot (bounded by the call timeout and the caller's token); it is never dropped.
    /// At most 1,048,576; each connection keeps a table of 16 to 32 bytes per allowed call.
    /// </summary>
    public int MaxOutstandingAsyncCalls { get; init; } = 1024;

    /// <summary>
    /// <c>[Stationary]</c> calls from one connection that home holds at once, from arrival until the reply is queued. One more
    /// is refused at once, without running, so a peer that floods a site cannot make it queue without end. A Tessera
    /// caller sends a refused call again after a short pause, within its deadline; one refused until its deadline fails
    /// with <see cref="SiteOverloadedException"/>.
    /// </summary>
    public int MaxHomeCallsPerConnection { get; init; } = 10_000;

    /// <summary>
    /// How many calls on one <c>[Cached]</c> object may wait on this site for its state; one more fails
    /// at once with <see cref="CallQueueFullException"/>.
    /// </summary>
    public int MaxWaitingCalls { get; init; } = 10_000;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Distributed garbage collection: leases and the batching of returned weight (docs/gc.md).</summary>
    public GcOptions Gc { get; init; } = new();

    /// <summary>Failure detection and what operations do on a failing entity (docs/faults.md).</summary>
    public FaultOptions Faults { get; init; } = new();

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The longest <see cref="DefaultCallTimeout"/>: a call's deadline is a timer, and timers run at most 2³² − 2 ms.</summary>
    public static readonly TimeSpan MaxCallTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ListenAddress, nameof(ListenAddress));
        TransportOptions.Validate();
        ArgumentNullException.ThrowIfNull(Gc, nameof(Gc));
        Gc.Validate();
        ArgumentNullException.ThrowIfNull(Faults, nameof(Faults));
        Faults.Validate();
        if (DefaultCallTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DefaultCallTimeout), DefaultCallTimeout, "The default call timeout must be positive.");
        if (DefaultCallTimeout > MaxCallTimeout)
            throw new ArgumentOutOfRangeException(nameof(DefaultCallTimeout), DefaultCallTimeout, $"The default call timeout can be at most {MaxCallTimeout} (the longest timer .NET runs).");
        if (TakeTimeout <= TimeSpan.Zero || TakeTimeout > MaxCallTimeout)
            throw new ArgumentOutOfRangeException(nameof(TakeTimeout), TakeTimeout, $"The take timeout must be positive and at most {MaxCallTimeout}.");
        if (MaxHomeCallsPerConnection < 1) throw new ArgumentOutOfRangeException(nameof(MaxHomeCallsPerConnection), MaxHomeCallsPerConnection, "At least one call from a connection must be allowed to run.");
        if (MaxWaitingCalls <= 0) throw new ArgumentOutOfRangeException(nameof(MaxWaitingCalls), MaxWaitingCalls, "At least one call must be allowed to wait.");
        if (ShutdownTimeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "The shutdown timeout cannot be negative.");
        if (MaxOutstandingAsyncCalls < 1) throw new ArgumentOutOfRangeException(nameof(MaxOutstandingAsyncCalls), MaxOutstandingAsyncCalls, "At least one async call must be allowed on a connection.");
        if (MaxOutstandingAsyncCalls > Protocols.Async.PendingCallTable.MaxCapacity)
            throw new ArgumentOutOfRangeException(nameof(MaxOutstandingAsyncCalls), MaxOutstandingAsyncCalls, $"At most {Protocols.Async.PendingCallTable.MaxCapacity} async calls may be outstanding on a connection.");
    }
}
