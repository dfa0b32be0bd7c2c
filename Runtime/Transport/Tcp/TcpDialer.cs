using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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

    public static async Task<SocketConnection> DialAsync(string address, TransportOptions options, CancellationToken cancellationToken)
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
                    return await DialOneAsync(new IPEndPoint(ip, port), address, options, timeout.Token).ConfigureAwait(false);
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
