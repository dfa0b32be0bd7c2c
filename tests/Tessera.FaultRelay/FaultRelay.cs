using System.Net;
using System.Net.Sockets;

namespace Tessera.FaultInjection;

/// <summary>
/// A TCP relay on 127.0.0.1 between two sites that injects network faults on command: put its
/// <see cref="ListenAddress"/> where one site would reach the other (for Tessera, in <c>SiteOptions.AdvertisedAddresses</c>),
/// and every connection runs through it.
/// </summary>
/// <remarks>
/// Faults act on whole chunks and never drop bytes from a live stream, because a gap would corrupt the framing and test
/// the parser instead of the fault handling. The relay bounds itself: <see cref="FaultRelayOptions.Lifetime"/> and
/// <see cref="FaultRelayOptions.MaxBytesForwarded"/> stop it, a full <see cref="FaultRelayOptions.MaxConnections"/>
/// refuses, and each direction holds at most <see cref="FaultRelayOptions.BufferBytesPerDirection"/>.
/// </remarks>
public sealed class FaultRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly RelayContext _context;
    private readonly ConnectionSet _connections;
    // Cancelled by the lifetime, the traffic budget or disposal. Cancelling releases its timer and nothing links to it,
    // so it is never disposed: a pump that spends the budget late must still be able to call Stop without throwing.
    private readonly CancellationTokenSource _stopping;
    private volatile bool _refusing;

    private FaultRelay(Socket listener, IPEndPoint upstream, FaultRelayOptions options)
    {
        _listener = listener;
        _stopping = new CancellationTokenSource(options.Lifetime);
        _context = new RelayContext(upstream, options, new FaultControls(), new FaultRelayCounters(), new TrafficBudget(options.MaxBytesForwarded, Stop));
        _connections = new ConnectionSet(options.MaxConnections);
        ListenAddress = listener.LocalEndPoint!.ToString()!;
        UpstreamAddress = upstream.ToString();
        Completion = RunAsync(_stopping.Token);
    }

    /// <summary>Where clients connect: "127.0.0.1:port", on an ephemeral port.</summary>
    public string ListenAddress { get; }

    /// <summary>Where every connection is forwarded.</summary>
    public string UpstreamAddress { get; }

    /// <summary>Counts of connections and bytes, for assertions.</summary>
    public FaultRelayCounters Counters => _context.Counters;

    /// <summary>Connections being relayed now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>
    /// Completes once the relay has stopped (disposed, out of lifetime, or out of traffic budget): the listener is closed
    /// and every connection has been reset and has ended, or <see cref="FaultRelayOptions.DisposeTimeout"/> has passed.
    /// </summary>
    public Task Completion { get; }

    /// <summary>Starts a relay to <paramref name="upstream"/>, which must be a loopback "host:port".</summary>
    /// <exception cref="ArgumentException">The upstream is not a loopback address with a port.</exception>
    public static Task<FaultRelay> StartAsync(string upstream, FaultRelayOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var endPoint = LoopbackEndPoint.Parse(upstream, nameof(upstream));
        options ??= new FaultRelayOptions();
        options.Validate();
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(options.MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return Task.FromResult(new FaultRelay(listener, endPoint, options));
    }

    /// <summary>
    /// Stops forwarding in both directions without closing anything, as a partition would: bytes, closes and resets are
    /// held in order, the senders are pushed back by TCP flow control, and new connections wait before reaching the upstream.
    /// </summary>
    public void Blackhole() => _context.Faults.Blackhole();

    /// <summary>Ends a <see cref="Blackhole"/>: everything held goes on, in order. Leaves any <see cref="Delay"/> in force.</summary>
    public void Restore() => _context.Faults.Restore();

    /// <summary>Holds every chunk, in both directions and in order, until <paramref name="latency"/> after it arrived; zero removes the delay.</summary>
    public void Delay(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(latency, _context.Options.Lifetime);
        _context.Faults.Delay = latency;
    }

    /// <summary>Resets every current connection: both the client and the upstream see an RST. New connections still work.</summary>
    public void CutAll() => _connections.ResetAll();

    /// <summary>While on, each new connection is accepted and reset at once, as by a host whose port is closed.</summary>
    public void RefuseNew(bool refuse) => _refusing = refuse;

    /// <summary>Stops the relay, resetting every connection, and waits at most <see cref="FaultRelayOptions.DisposeTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Stop();
        await Completion.ConfigureAwait(false);
    }

    private void Stop() => _stopping.Cancel();

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(stopping).ConfigureAwait(false);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
                {
                    // That client gave up before it was accepted; the listener is fine.
                    continue;
                }
                Admit(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping, or the listener failed: either way the relay is done.
        }
        finally
        {
            await CloseEverythingAsync().ConfigureAwait(false);
        }
    }

    private async Task CloseEverythingAsync()
    {
        _listener.Dispose();
        _connections.ResetAll();
        try
        {
            await _connections.WhenAllEndedAsync().WaitAsync(_context.Options.DisposeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Their sockets are reset already; abandoning the bookkeeping beats a disposal that hangs.
        }
    }

    private void Admit(Socket client)
    {
        if (_refusing || _connections.IsFull)
        {
            _context.Counters.CountRefused();
            SocketReset.Reset(client);
            return;
        }
        _context.Counters.CountAccepted();
        _connections.Run(new RelayConnection(client, _context));
    }
}
