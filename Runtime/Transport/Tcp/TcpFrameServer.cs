using System;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Pipelines.Sockets.Unofficial;

namespace Tessera.Transport.Tcp;

/// <summary>
/// Accepts sockets and hands each one, as a pipe, to a handler whose task lasts as long as the connection;
/// the socket is torn down as soon as that task completes. With TLS, the handshake comes first, within the
/// connect timeout; a socket that fails it is closed and reported, and never reaches the handler.
/// </summary>
/// <remarks>
/// An accept loop of its own rather than Pipelines.Sockets.Unofficial's <c>SocketServer</c>, which gives no way
/// to pass <see cref="SocketConnectionOptions"/>: accepted connections must resume inline, as dialed ones do
/// (<see cref="TcpDialer.ConnectionOptions"/>).
/// </remarks>
internal sealed class TcpFrameServer : IDisposable
{
    private const int Backlog = 512;

    // An accept that fails for a reason other than shutdown or one client's reset (e.g. the process is out of
    // descriptors) is reported and retried after this pause, so the loop neither dies nor spins.
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly Func<IDuplexPipe, EndPoint?, Task> _onClient;
    private readonly Action<Exception> _onFaulted;
    private readonly Action<EndPoint?, Exception> _onRefused;
    private readonly TransportOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private int _handshaking;

    public TcpFrameServer(TransportOptions options, Func<IDuplexPipe, EndPoint?, Task> onClient, Action<Exception> onFaulted, Action<EndPoint?, Exception> onRefused)
    {
        _options = options;
        _onClient = onClient;
        _onFaulted = onFaulted;
        _onRefused = onRefused;
    }

    /// <summary>Binds and starts accepting; returns the endpoint actually bound (the port chosen, for port 0).</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound, e.g. it is in use.</exception>
    public IPEndPoint Start(IPEndPoint requested, PipeOptions sendOptions, PipeOptions receiveOptions)
    {
        var listener = new Socket(requested.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(requested);
            listener.Listen(Backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _ = AcceptLoopAsync(listener, sendOptions, receiveOptions);
        return (IPEndPoint)listener.LocalEndPoint!;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener?.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, PipeOptions sendOptions, PipeOptions receiveOptions)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (_stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // One client gave up while it waited in the backlog: nothing is wrong with the listener.
                continue;
            }
            catch (Exception ex)
            {
                Report(ex);
                await Task.Delay(AcceptRetryDelay, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            _ = ServeAsync(client, sendOptions, receiveOptions);
        }
    }

    private async Task ServeAsync(Socket client, PipeOptions sendOptions, PipeOptions receiveOptions)
    {
        EndPoint? remote = null;
        IDisposable? resource = null;
        try
        {
            client.NoDelay = true;
            remote = client.RemoteEndPoint;
            IDuplexPipe pipe;
            if (_options.Tls is { } tls)
            {
                var tlsPipe = await AuthenticateAsync(client, remote, tls).ConfigureAwait(false);
                if (tlsPipe is null) return;
                resource = tlsPipe;
                pipe = tlsPipe;
            }
            else
            {
                var connection = SocketConnection.Create(client, sendOptions, receiveOptions, TcpDialer.ConnectionOptions);
                resource = connection;
                pipe = connection;
            }
            await _onClient(pipe, remote).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client went away before its connection was set up: there is nothing to hand over.
        }
        catch (Exception ex)
        {
            Report(ex);
        }
        finally
        {
            if (resource is not null) resource.Dispose();
            else client.Dispose();
        }
    }

    /// <summary>
    /// The server side of the TLS handshake; null, with the socket closed and the refusal reported, if it fails.
    /// At most <see cref="TransportOptions.MaxConnections"/> handshakes run at once, each within the connect timeout,
    /// as plain connections that have not said Hello yet are bounded; a stranger can still hold them all for that
    /// long, as it can hold plain ones.
    /// </summary>
    private async Task<TlsPipe?> AuthenticateAsync(Socket client, EndPoint? remote, TlsOptions tls)
    {
        if (Interlocked.Increment(ref _handshaking) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _handshaking);
            Refused(remote, new IOException($"{_options.MaxConnections} TLS handshakes were under way already; this one was not started."));
            return null;
        }
        SslStream? stream = null;
        try
        {
            stream = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            deadline.CancelAfter(_options.ConnectTimeout);
            await stream.AuthenticateAsServerAsync(tls.ForAccepting(), deadline.Token).ConfigureAwait(false);
            return new TlsPipe(stream);
        }
        catch (Exception ex)
        {
            // Anything: ValidatePeer is user code, and one client's failed handshake must not be taken for the listener's.
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            if (!_stopping.IsCancellationRequested) Refused(remote, ex);
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _handshaking);
        }
    }

    private void Refused(EndPoint? remote, Exception reason)
    {
        try
        {
            _onRefused(remote, reason);
        }
        catch
        {
            // A throwing logger must not fail the connection's cleanup.
        }
    }

    /// <summary>Reports a failure without letting a throwing handler (a logger, say) end the loop that reports it.</summary>
    private void Report(Exception failure)
    {
        try
        {
            _onFaulted(failure);
        }
        catch
        {
            // Nowhere left to report it: the loop must go on regardless.
        }
    }
}
