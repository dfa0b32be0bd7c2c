using System;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Transport.Framing;

namespace Tessera.Transport.InMemory;

/// <summary>
/// One site's endpoint on an <see cref="InMemoryNetwork"/>. Connections run the same framing, queueing and
/// limits as TCP over a pair of in-process pipes, so code above the transport cannot tell the difference.
/// </summary>
public sealed class InMemoryTransport : ITransport
{
    private readonly InMemoryNetwork _network;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly ConnectionSet _connections = new();
    private readonly Lock _gate = new();
    private Action<IFrameConnection>? _onAccepted;
    private bool _disposed;

    internal InMemoryTransport(InMemoryNetwork network, TransportOptions? options, ILogger? logger)
    {
        _network = network;
        _options = options ?? new TransportOptions();
        _options.Validate();
        if (_options.Tls is not null) throw new ArgumentException("The in-memory transport has no TLS: leave TransportOptions.Tls null, or use the TCP transport.", nameof(options));
        _logger = logger ?? NullLogger.Instance;
    }

    public string? LocalAddress { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="address"/> does not start with "mem:".</exception>
    /// <exception cref="InvalidOperationException">The address is taken, or this transport already listens.</exception>
    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(onAccepted);
        cancellationToken.ThrowIfCancellationRequested();
        string bound;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (LocalAddress is not null) throw new InvalidOperationException($"This transport already listens on {LocalAddress}.");

            // Set before binding: a dialer may find this transport the moment it is bound.
            _onAccepted = onAccepted;
            bound = _network.Bind(address, this);
            LocalAddress = bound;
        }

        TransportLog.Listening(_logger, bound);
        return ValueTask.FromResult(bound);
    }

    /// <inheritdoc/>
    /// <remarks>The listener's accept handler has run by the time this completes.</remarks>
    public ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);

        var listener = _network.Find(address) ?? throw ConnectFailed(address, "nothing is listening there");
        var (toListenerWriter, toListenerReader) = Link(FramePipeOptions.ForInbound(listener._options), _network.DeliveryDelay);
        var (toDialerWriter, toDialerReader) = Link(FramePipeOptions.ForInbound(_options), _network.DeliveryDelay);
        var dialerSide = new PipeFrameConnection(new DuplexPipe(toDialerReader, toListenerWriter), address, _options, _logger, resource: null);
        var listenerSide = new PipeFrameConnection(
            new DuplexPipe(toListenerReader, toDialerWriter), LocalAddress ?? "mem:(not listening)", listener._options, listener._logger, resource: null);

        if (!_connections.TryAdd(dialerSide))
        {
            dialerSide.Abort(null);
            listenerSide.Abort(null);
            throw new ObjectDisposedException(nameof(InMemoryTransport));
        }

        if (!listener.Accept(listenerSide))
        {
            dialerSide.Abort(null);
            throw ConnectFailed(address, "the listener is shutting down");
        }

        TransportLog.Connected(_logger, address);
        return ValueTask.FromResult<IFrameConnection>(dialerSide);
    }

    /// <summary>Stops listening, frees the address and aborts every connection of this transport.</summary>
    public ValueTask DisposeAsync() => new(ShutDownAsync(new ConnectionClosedException("The local transport was shut down.")));

    internal void Kill() => _ = ShutDownAsync(new ConnectionClosedException($"The site at {LocalAddress} was killed."));

    private bool Accept(PipeFrameConnection connection)
    {
        Action<IFrameConnection>? onAccepted;
        lock (_gate) onAccepted = _disposed ? null : _onAccepted;
        if (onAccepted is null || !_connections.TryAdd(connection))
        {
            connection.Abort(new ConnectionClosedException("The local transport was shut down."));
            return false;
        }

        TransportLog.Accepted(_logger, connection.RemoteAddress);
        try
        {
            onAccepted(connection);
        }
        catch (Exception ex)
        {
            TransportLog.AcceptHandlerFailed(_logger, connection.RemoteAddress, ex);
            connection.Abort(ex);
        }

        return true;
    }

    private Task ShutDownAsync(Exception reason)
    {
        string? bound;
        lock (_gate)
        {
            if (_disposed) return Task.CompletedTask;
            _disposed = true;
            _onAccepted = null;
            bound = LocalAddress;
        }

        if (bound is not null)
        {
            _network.Unbind(bound, this);
            TransportLog.StoppedListening(_logger, bound);
        }

        return _connections.ShutDownAsync(reason);
    }

    private TransportConnectException ConnectFailed(string address, string why)
    {
        var exception = new TransportConnectException(address, $"Could not connect to {address}: {why}.");
        TransportLog.ConnectFailed(_logger, address, exception);
        return exception;
    }

    /// <summary>One direction of a connection: a pipe, or two joined by a pump that delays each chunk.</summary>
    private static (PipeWriter Writer, PipeReader Reader) Link(PipeOptions options, Func<ValueTask>? delay)
    {
        var sent = new Pipe(options);
        if (delay is null) return (sent.Writer, sent.Reader);
        var delivered = new Pipe(options);
        _ = PumpAsync(sent.Reader, delivered.Writer, delay);
        return (sent.Writer, delivered.Reader);
    }

    private static async Task PumpAsync(PipeReader from, PipeWriter to, Func<ValueTask> delay)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync().ConfigureAwait(false);
                var stopped = false;
                if (!read.Buffer.IsEmpty)
                {
                    await delay().ConfigureAwait(false);
                    foreach (var segment in read.Buffer)
                    {
                        stopped = (await to.WriteAsync(segment).ConfigureAwait(false)).IsCompleted;
                        if (stopped) break;
                    }
                }
                from.AdvanceTo(read.Buffer.End);
                if (stopped || read.IsCompleted || read.IsCanceled) break;
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        await from.CompleteAsync(failure).ConfigureAwait(false);
        await to.CompleteAsync(failure).ConfigureAwait(false);
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
