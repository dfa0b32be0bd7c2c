using System;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Pipelines.Sockets.Unofficial;
using Tessera.Transport.Framing;

namespace Tessera.Transport.Tcp;

/// <summary>Opens client sockets within the connect timeout and turns every failure into a <see cref="TransportConnectException"/>.</summary>
internal static class TcpDialer
{
    /// <summary>How every Tessera socket connection, dialed or accepted, resumes after socket I/O.</summary>
    /// <remarks>
    /// Inline: .NET already completes socket operations on a thread-pool thread, so scheduling the socket
    /// loops' continuations once more cost a thread hop and a work item per receive and per send (measured:
    /// about 32 B per message on each side).
    /// </remarks>
    public const SocketConnectionOptions ConnectionOptions = SocketConnectionOptions.InlineReads | SocketConnectionOptions.InlineWrites;

    public static async Task<(IDuplexPipe Pipe, IDisposable Resource)> DialAsync(string address, TransportOptions options, CancellationToken cancellationToken)
    {
        if (!TcpAddress.TryParse(address, out var host, out int port) || port == 0)
        {
            throw new TransportConnectException(address, $"Could not connect to {address}: it is not a host:port address.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            var addresses = await TcpAddress.ResolveAsync(host, timeout.Token).ConfigureAwait(false);
            SocketException? lastFailure = null;
            foreach (var ip in addresses)
            {
                try
                {
                    var endPoint = new IPEndPoint(ip, port);
                    if (options.Tls is { } tls) return await DialTlsAsync(endPoint, host, address, tls, timeout.Token).ConfigureAwait(false);
                    var plain = await DialOneAsync(endPoint, address, options, timeout.Token).ConfigureAwait(false);
                    return (plain, plain);
                }
                catch (SocketException ex)
                {
                    lastFailure = ex;
                }
            }

            throw lastFailure!;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var seconds = options.ConnectTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            throw new TransportConnectException(address, $"Could not connect to {address}: no answer within {seconds} s.", ex);
        }
        catch (SocketException ex)
        {
            throw new TransportConnectException(address, $"Could not connect to {address}: {Describe(ex.SocketErrorCode)}.", ex);
        }
        catch (AuthenticationException ex)
        {
            throw new TransportConnectException(address, $"Could not connect to {address}: the TLS handshake failed ({ex.Message}).", ex);
        }
        catch (IOException ex)
        {
            // The listener closed the socket during the TLS handshake: it refused this site's certificate, does not speak
            // TLS, or had no room for another handshake.
            throw new TransportConnectException(address, $"Could not connect to {address}: the peer closed the connection during the TLS handshake ({ex.Message}).", ex);
        }
    }

    /// <summary>A socket, then TLS over it within the same deadline; the TLS stream owns the socket.</summary>
    private static async Task<(IDuplexPipe, IDisposable)> DialTlsAsync(IPEndPoint endPoint, string host, string name, TlsOptions tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(tls.ForDialing(host), cancellationToken).ConfigureAwait(false);
            var pipe = new TlsPipe(stream);
            return (pipe, pipe);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or AuthenticationException or IOException))
        {
            // ValidatePeer is user code: whatever it throws, the dial fails as a dial.
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new AuthenticationException($"Checking the certificate of {name} threw {ex.GetType().Name}: {ex.Message}", ex);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<SocketConnection> DialOneAsync(IPEndPoint endPoint, string name, TransportOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connect = SocketConnection.ConnectAsync(
            endPoint,
            FramePipeOptions.ForOutbound(),
            FramePipeOptions.ForInbound(options),
            ConnectionOptions,
            onConnected: null,
            socket,
            name);
        try
        {
            return await connect.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Closing the socket ends the pending connect; should it have won the race, its connection is released.
            socket.Dispose();
            _ = connect.ContinueWith(
                static t =>
                {
                    if (t.IsCompletedSuccessfully) t.Result.Dispose();
                    else _ = t.Exception;
                },
                TaskScheduler.Default);
            throw;
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => "unreachable",
        SocketError.TimedOut => "timed out",
        _ => $"socket error {error}",
    };
}
