using System;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Pipelines.Sockets.Unofficial;

namespace Tessera.Transport.Tcp;

/// <summary>
/// Accepts sockets and hands each one, as a pipe, to a handler whose task lasts as long as the connection:
/// <see cref="SocketServer"/> tears the socket down as soon as that task completes.
/// </summary>
internal sealed class TcpFrameServer : SocketServer
{
    private const int Backlog = 512;
    private const int MaxPortProbes = 10;

    private readonly Func<IDuplexPipe, EndPoint?, Task> _onClient;
    private readonly Action<Exception> _onFaulted;

    public TcpFrameServer(Func<IDuplexPipe, EndPoint?, Task> onClient, Action<Exception> onFaulted)
    {
        _onClient = onClient;
        _onFaulted = onFaulted;
    }

    /// <summary>Binds and starts accepting; returns the endpoint actually bound.</summary>
    /// <remarks>
    /// <see cref="SocketServer"/> keeps its listening socket private and reports only the requested endpoint,
    /// so an ephemeral port is picked here by binding a throwaway socket first. Someone else may take that
    /// port before the real bind, hence the retries.
    /// </remarks>
    public IPEndPoint Start(IPEndPoint requested, PipeOptions sendOptions, PipeOptions receiveOptions)
    {
        for (int attempt = 1; ; attempt++)
        {
            var endPoint = requested.Port != 0 ? requested : new IPEndPoint(requested.Address, ProbeFreePort(requested.Address));
            try
            {
                Listen(endPoint, endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp, Backlog, sendOptions, receiveOptions);
                return endPoint;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && requested.Port == 0 && attempt < MaxPortProbes)
            {
            }
        }
    }

    protected override Task OnClientConnectedAsync(in ClientConnection client)
    {
        if (client.Transport is SocketConnection { Socket: var socket }) socket.NoDelay = true;
        return _onClient(client.Transport, client.RemoteEndPoint);
    }

    protected override void OnServerFaulted(Exception exception) => _onFaulted(exception);

    private static int ProbeFreePort(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
