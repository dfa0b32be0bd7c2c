using System;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Sockets.Unofficial;
using Tessera.Transport.Framing;

namespace Tessera.Transport.Tcp;

/// <summary>
/// Frames over TCP sockets: a 4-byte little-endian length, then the body. Addresses are "host:port",
/// "[v6-address]:port" or "dns-name:port"; port 0 when listening picks a free port.
/// </summary>
public sealed class TcpTransport : ITransport
{
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly ConnectionSet _connections = new();
    private readonly Lock _gate = new();
    private TcpFrameServer? _server;
    private bool _disposed;

    public TcpTransport(TransportOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new TransportOptions();
        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    public string? LocalAddress { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not a host:port address.</exception>
    /// <exception cref="SocketException">The address cannot be bound, e.g. it is in use.</exception>
    public async ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(onAccepted);
        if (!TcpAddress.TryParse(address, out var host, out int port))
        {
            throw new ArgumentException($"'{address}' is not a host:port address.", nameof(address));
        }

        var ip = (await TcpAddress.ResolveAsync(host, cancellationToken).ConfigureAwait(false))[0];
        var server = new TcpFrameServer(
            _options,
            (pipe, remote) => OnClientAsync(pipe, remote, onAccepted),
            ex => TransportLog.ListenerFailed(_logger, LocalAddress ?? address, ex),
            (remote, ex) => TransportLog.TlsRefused(_logger, Describe(remote), ex));
        string bound;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_server is not null) throw new InvalidOperationException($"This transport already listens on {LocalAddress}.");
            try
            {
                bound = TcpAddress.Format(server.Start(new IPEndPoint(ip, port), FramePipeOptions.ForOutbound(), FramePipeOptions.ForInbound(_options)));
            }
            catch
            {
                server.Dispose();
                throw;
            }

            _server = server;
            LocalAddress = bound;
        }

        TransportLog.Listening(_logger, bound);
        return bound;
    }

    /// <inheritdoc/>
    public async ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ObjectDisposedException.ThrowIf(_disposed, this);
        (IDuplexPipe Pipe, IDisposable Resource) dialed;
        try
        {
            dialed = await TcpDialer.DialAsync(address, _options, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportConnectException ex)
        {
            TransportLog.ConnectFailed(_logger, address, ex);
            throw;
        }

        var connection = new PipeFrameConnection(dialed.Pipe, address, _options, _logger, dialed.Resource);
        if (!_connections.TryAdd(connection))
        {
            connection.Abort(null);
            throw new ObjectDisposedException(nameof(TcpTransport));
        }

        TransportLog.Connected(_logger, address);
        return connection;
    }

    /// <summary>Stops listening and aborts every connection this transport dialed or accepted.</summary>
    public async ValueTask DisposeAsync()
    {
        TcpFrameServer? server;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            server = _server;
            _server = null;
        }

        if (server is not null)
        {
            server.Dispose();
            TransportLog.StoppedListening(_logger, LocalAddress!);
        }

        await _connections.ShutDownAsync(new ConnectionClosedException("The local transport was shut down.")).ConfigureAwait(false);
    }

    private Task OnClientAsync(IDuplexPipe pipe, EndPoint? remoteEndPoint, Action<IFrameConnection> onAccepted)
    {
        var remoteAddress = Describe(remoteEndPoint);
        var connection = new PipeFrameConnection(pipe, remoteAddress, _options, _logger, pipe as IDisposable);
        if (!_connections.TryAdd(connection))
        {
            connection.Abort(new ConnectionClosedException("The local transport was shut down."));
            return connection.Completion;
        }

        TransportLog.Accepted(_logger, remoteAddress);
        try
        {
            onAccepted(connection);
        }
        catch (Exception ex)
        {
            TransportLog.AcceptHandlerFailed(_logger, remoteAddress, ex);
            connection.Abort(ex);
        }

        return connection.Completion;
    }

    private static string Describe(EndPoint? remoteEndPoint) => remoteEndPoint is IPEndPoint ip ? TcpAddress.Format(ip) : remoteEndPoint?.ToString() ?? "(unknown)";
}
