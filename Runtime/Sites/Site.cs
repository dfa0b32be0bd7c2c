using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.FailureDetection;
using Tessera.Gc;
using Tessera.Infrastructure;
using Tessera.Protocols.Async;
using Tessera.Protocols.Migratory;
using Tessera.Protocols.Stationary;
using Tessera.Protocols.Variables;
using Tessera.Sites;
using Tessera.Transport;
using Tessera.Transport.Tcp;
using Tessera.Wire;

namespace Tessera;

/// <summary>
/// One process's presence in a Tessera system: it listens, holds the tables of exported objects and
/// proxies, and runs the protocols. A restarted process is a new site (a new incarnation).
/// </summary>
public sealed class Site : IAsyncDisposable
{
    private readonly ITransport _transport;
    private readonly ILogger _logger;
    private readonly TicketExchange _tickets;
    private readonly FailureDetector _detector;
    private int _stopped;

    private Site(SiteOptions options, ITransport transport)
    {
        Options = options;
        _transport = transport;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("Tessera.Site");
        Identity = SiteIdentity.NewIncarnation(options.SiteId ?? Guid.NewGuid());
        Counters = new MessageCounters(Identity);
        References = new ReferenceTable(this);
        var router = new RequestRouter();
        Health = new PeerHealthTable(loggerFactory.CreateLogger("Tessera.Faults"));
        Connections = new ConnectionTable(Identity, transport, options.TransportOptions, options.TimeProvider, router, Counters, Health, loggerFactory.CreateLogger("Tessera.Connections"));
        _detector = new FailureDetector(Connections, Health, options.Faults, options.TimeProvider, loggerFactory.CreateLogger("Tessera.Faults"));
        router.Register<Heartbeat>(_detector.OnHeartbeat);
        router.Register<HeartbeatAck>(_detector.OnHeartbeatAck);
        router.Register<SiteLeaving>(_detector.OnSiteLeaving);
        Kills = new KillProtocol(this, loggerFactory.CreateLogger("Tessera.Faults"));
        router.Register<KillEntity>(Kills.OnKill);
        router.Register<EntityKilled>(Kills.OnKilled);
        Gc = new GarbageCollector(this, References, loggerFactory.CreateLogger("Tessera.Gc"));
        StationaryCalls = new StationaryCaller(Connections, options.TimeProvider, options.DefaultCallTimeout);
        var stationaryServer = new StationaryServer(this, References, options.TimeProvider, options.DefaultCallTimeout, loggerFactory.CreateLogger("Tessera.Stationary"));
        router.RegisterCalls(stationaryServer.OnCall);
        router.Register<CancelCall>(stationaryServer.OnCancel);
        _tickets = new TicketExchange(this, loggerFactory.CreateLogger("Tessera.Tickets"));
        router.Register<TakeRequest>(_tickets.OnTake);
        Migratory = new MigratoryProtocol(this, loggerFactory.CreateLogger("Tessera.Migratory"));
        router.Register<StateRequest>(Migratory.OnRequest);
        router.Register<StateForward>(Migratory.OnForward);
        router.Register<StateToken>(Migratory.OnToken);
        router.Register<StateLost>(Migratory.OnLost);
        router.Register<StateQuery>(Migratory.Inquiries.OnQuery);
        router.Register<StateReroute>(Migratory.Inquiries.OnReroute);
        router.Register<StateUnreachable>(Migratory.OnUnreachable);
        Connections.ConnectionToPeerClosed += Migratory.OnConnectionClosed;
        Health.PeerFailed += Migratory.OnPeerFailed;
        AsyncCalls = new AsyncCaller(this, Connections, loggerFactory.CreateLogger("Tessera.Async"));
        router.RegisterAsyncReplies(AsyncCalls.OnReply);
        router.Register<AsyncFault>(AsyncCalls.OnFault);
        var asyncServer = new AsyncServer(this, References, loggerFactory.CreateLogger("Tessera.Async"));
        router.RegisterAsyncCalls(asyncServer.OnCall);
        router.Register<AsyncCancel>(asyncServer.OnCancel);
        Variables = new VariableTable(this, loggerFactory.CreateLogger("Tessera.Variables"));
        router.Register<VariableRegister>(Variables.OnRegister);
        router.Register<VariableBind>(Variables.OnBind);
        router.Register<VariableBound>(Variables.OnBound);
        router.Register<WeightReturn>(Gc.OnWeightReturn);
        router.Register<LeaseRenewal>(Gc.OnLeaseRenewal);
    }

    /// <summary>This run's identity: an id and an incarnation no other run shares.</summary>
    public SiteIdentity Identity { get; }

    /// <summary>The address this site listens on, e.g. <c>127.0.0.1:50123</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The addresses this site writes into tickets and references.</summary>
    public ImmutableArray<string> EndpointHints { get; private set; } = ImmutableArray<string>.Empty;

    /// <summary>Messages sent and received, by kind.</summary>
    public MessageCounters Counters { get; }

    public SiteOptions Options { get; }

    /// <summary>Established connections to other sites.</summary>
    public int ConnectionCount => Connections.EstablishedCount;

    /// <summary>Entities this site exports: reachable from other sites, or named by a live ticket (docs/gc.md).</summary>
    public int ExportedCount => References.ExportCount;

    /// <summary>Proxies this site holds for entities elsewhere that were neither released nor collected yet.</summary>
    public long ProxyCount => Gc.ProxyCount;

    /// <summary>Unbound dataflow variables this site manages that other sites still refer to (docs/gc.md).</summary>
    public int ExportedVariableCount => Variables.ExportCount;

    /// <summary>Proxies this site holds for dataflow variables managed elsewhere, neither determined nor collected yet.</summary>
    public long VariableProxyCount => Variables.ProxyCount;

    internal ReferenceTable References { get; }

    internal GarbageCollector Gc { get; }

    internal ConnectionTable Connections { get; }

    /// <summary>Whether disposal has begun: background work that would start something new gives up.</summary>
    internal bool IsStopped => Volatile.Read(ref _stopped) != 0;

    internal PeerHealthTable Health { get; }

    internal KillProtocol Kills { get; }

    internal StationaryCaller StationaryCalls { get; }

    internal AsyncCaller AsyncCalls { get; }

    internal VariableTable Variables { get; }

    internal MigratoryProtocol Migratory { get; }

    /// <summary>Starts a site: by default on loopback, an ephemeral port, over TCP.</summary>
    public static async Task<Site> StartAsync(SiteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SiteOptions();
        options.Validate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var transport = options.Transport ?? new TcpTransport(options.TransportOptions, loggerFactory.CreateLogger("Tessera.Transport"));
        var site = new Site(options, transport);
        try
        {
            site.Address = await transport.ListenAsync(options.ListenAddress, site.Connections.Accept, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            site._detector.Dispose();
            site.Kills.Stop();
            await site.Gc.StopAsync().ConfigureAwait(false);
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        GcMetrics.Register(site);
        site.EndpointHints = options.AdvertisedAddresses is { Length: > 0 } advertised ? ImmutableArray.Create(advertised) : ImmutableArray.Create(site.Address);
        site._logger.LogInformation("Site {Site} listening on {Address}.", site.Identity, site.Address);
        return site;
    }

    /// <summary>Issues a ticket for <paramref name="target"/>. Generated <c>Offer</c> helpers call this.</summary>
    public string Offer<T>(T target, DistributedTypeInfo<T> type, bool unlimited = false) where T : class
    {
        ThrowIfStopped();
        return _tickets.Offer(target, type, unlimited);
    }

    /// <summary>Takes a ticket: the same object, as a proxy (or the original, if it lives here).</summary>
    public async Task<T> TakeAsync<T>(string ticket, DistributedTypeInfo<T> type, CancellationToken cancellationToken = default) where T : class
    {
        ThrowIfStopped();
        return (T)await _tickets.TakeAsync(ticket, type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Withdraws a ticket this site issued; taking it afterwards fails with <see cref="TicketNotFoundException"/>.</summary>
    public bool Retract(string ticket) => _tickets.Retract(ticket);

    /// <summary>
    /// Stops: refuses new connections and calls, lets frames already queued reach the wire (up to
    /// <see cref="SiteOptions.ShutdownTimeout"/>), then closes every connection and the transport.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _logger.LogInformation("Site {Site} stopping.", Identity);
        // Before the GC stops: a proxy released behind calls held for its home sends its weight once they fail unsent.
        await AsyncCalls.StopHoldingAsync(Options.ShutdownTimeout).ConfigureAwait(false);
        await Gc.StopAsync().ConfigureAwait(false);
        _detector.Stop();
        Kills.Stop();
        await Connections.StopAsync(Options.ShutdownTimeout).ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    public override string ToString() => $"Site {Identity} at {Address}";

    private void ThrowIfStopped() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
}
