using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Tessera.FaultInjection.Tests;

/// <summary>A plain upstream listener on loopback with a relay in front of it; disposes every socket it handed out.</summary>
internal sealed class RelayFixture : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _sockets = new();

    private RelayFixture(Socket listener, FaultRelay relay)
    {
        _listener = listener;
        Relay = relay;
    }

    public FaultRelay Relay { get; }

    public static async Task<RelayFixture> StartAsync(FaultRelayOptions? options = null)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        return new RelayFixture(listener, await FaultRelay.StartAsync(listener.LocalEndPoint!.ToString()!, options));
    }

    /// <summary>A client connected to the relay, which may or may not have been passed on upstream.</summary>
    public async Task<Socket> ConnectClientAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(client);
        using var deadline = new CancellationTokenSource(Wire.Deadline);
        await client.ConnectAsync(IPEndPoint.Parse(Relay.ListenAddress), deadline.Token);
        return client;
    }

    /// <summary>The upstream's side of the next connection the relay passes on.</summary>
    public async Task<Socket> AcceptUpstreamAsync()
    {
        using var deadline = new CancellationTokenSource(Wire.Deadline);
        var server = await _listener.AcceptAsync(deadline.Token);
        _sockets.Add(server);
        return server;
    }

    /// <summary>A client and the upstream's side of its connection, proven connected by a round trip.</summary>
    public async Task<(Socket Client, Socket Server)> ConnectPairAsync()
    {
        var client = await ConnectClientAsync();
        var server = await AcceptUpstreamAsync();
        await Wire.RoundTripAsync(client, server);
        return (client, server);
    }

    /// <summary>Asserts that no connection reaches the upstream during the quiet window.</summary>
    public async Task ExpectNoUpstreamConnectionAsync()
    {
        using var window = new CancellationTokenSource(Wire.QuietWindow);
        try
        {
            _sockets.Add(await _listener.AcceptAsync(window.Token));
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            return;
        }
        Assert.Fail("A connection reached the upstream during the quiet window.");
    }

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        foreach (var socket in _sockets) socket.Dispose();
        _listener.Dispose();
    }
}
