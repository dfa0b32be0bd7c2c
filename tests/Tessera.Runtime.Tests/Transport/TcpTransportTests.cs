using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tessera.Transport;
using Tessera.Transport.Tcp;
using Xunit;

namespace Tessera.Runtime.Tests.Transport;

public sealed class TcpTransportTests : TransportContractTests
{
    protected override string AnyListenAddress => "127.0.0.1:0";

    protected override ITransport CreateTransportCore(TransportOptions? options) => new TcpTransport(options);

    [Fact]
    public async Task Listening_on_port_zero_reports_the_bound_port()
    {
        var listener = await ListenAsync();

        Assert.StartsWith("127.0.0.1:", listener.Address);
        Assert.NotEqual(0, int.Parse(listener.Address["127.0.0.1:".Length..]));
        Assert.Equal(listener.Address, listener.Transport.LocalAddress);
    }

    [Fact]
    public async Task Sockets_reset_by_their_clients_at_once_leave_the_listener_serving()
    {
        var listener = await ListenAsync();
        for (var i = 0; i < 20; i++)
        {
            using var raw = await RawConnectAsync(listener.Address);
            // Linger 0: the close is a reset, which the accept loop may see before or after it accepts the socket.
            raw.LingerState = new LingerOption(true, 0);
        }

        var client = await CreateTransport().ConnectAsync(listener.Address, default).AsTask().WaitAsync(TestTimeouts.Default);
        client.Start(new RecordingSink());
        await client.SendAsync(Frames.Of("after the resets"), default).AsTask().WaitAsync(TestTimeouts.Default);
        // Reset sockets accepted before their reset are handed over too; every one gets a sink until the frame arrives.
        var delivered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = 0;
        while (!delivered.Task.IsCompleted)
        {
            var next = listener.Accepted.ReadAsync().AsTask();
            await Task.WhenAny(next, delivered.Task).WaitAsync(TestTimeouts.Default);
            if (!next.IsCompleted) break;
            accepted++;
            (await next).Start(new RecordingSink { BeforeFrame = frame => delivered.TrySetResult(Frames.Text(frame.ToArray())) });
        }
        Assert.InRange(accepted, 1, 21);
        Assert.Equal("after the resets", await delivered.Task.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task Listening_on_a_port_in_use_fails_with_a_socket_exception()
    {
        var listener = await ListenAsync();

        var ex = await Assert.ThrowsAsync<SocketException>(() => CreateTransport().ListenAsync(listener.Address, _ => { }, default).AsTask().WaitAsync(TestTimeouts.Default));
        Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
    }

    [Fact]
    public async Task Dials_a_dns_host_name()
    {
        var listener = await ListenAsync();
        var port = listener.Address[(listener.Address.LastIndexOf(':') + 1)..];

        var connection = await CreateTransport().ConnectAsync($"localhost:{port}", default).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal($"localhost:{port}", connection.RemoteAddress);
        await listener.Accepted.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task An_oversized_length_from_a_raw_socket_closes_it_while_the_listener_keeps_serving()
    {
        var listener = await ListenAsync(new TransportOptions { MaxFrameSize = 1024 });
        using var raw = await RawConnectAsync(listener.Address);
        var rawSide = await listener.Accepted.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        var rawSink = new RecordingSink();
        rawSide.Start(rawSink);

        var header = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1_000_000);
        await raw.SendAsync(header);

        var reason = Assert.IsType<FrameTooLargeException>(await rawSink.Closed.WaitAsync(TestTimeouts.Default));
        Assert.Equal(1_000_000, reason.FrameSize);
        await AssertClosedByPeerAsync(raw);

        var next = await ConnectAsync(listener);
        await next.Client.SendAsync(Frames.Of("new connection"), default).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal("new connection", await next.ServerSink.NextTextAsync());
    }

    [Fact]
    public async Task A_rejected_frame_from_a_raw_socket_closes_only_that_socket()
    {
        var listener = await ListenAsync();
        var healthy = await ConnectAsync(listener);
        using var raw = await RawConnectAsync(listener.Address);
        var rawSide = await listener.Accepted.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        var rawSink = new RecordingSink { BeforeFrame = _ => throw new ProtocolViolationException("garbage") };
        rawSide.Start(rawSink);

        await raw.SendAsync(new byte[] { 3, 0, 0, 0, 0xDE, 0xAD, 0x00 });

        Assert.IsType<ProtocolViolationException>(await rawSink.Closed.WaitAsync(TestTimeouts.Default));
        await AssertClosedByPeerAsync(raw);
        await healthy.Client.SendAsync(Frames.Of("unaffected"), default).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal("unaffected", await healthy.ServerSink.NextTextAsync());
    }

    [Fact]
    public async Task Frames_from_a_raw_socket_split_across_writes_are_reassembled()
    {
        var listener = await ListenAsync();
        using var raw = await RawConnectAsync(listener.Address);
        var rawSide = await listener.Accepted.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        var sink = new RecordingSink();
        rawSide.Start(sink);

        byte[] wire = [5, 0, 0, 0, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', 0, 0, 0, 0];
        foreach (var b in wire) await raw.SendAsync(new[] { b });

        Assert.Equal("hello", await sink.NextTextAsync());
        Assert.Empty(await sink.NextAsync());
    }

    [Fact]
    public async Task Dialing_a_port_nobody_listens_on_fails_with_a_connect_exception()
    {
        // Bound but not listening: the port stays reserved, and the kernel refuses connections to it.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var address = reserved.LocalEndPoint!.ToString()!;

        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => CreateTransport().ConnectAsync(address, default).AsTask().WaitAsync(TestTimeouts.Default));

        Assert.Equal(address, ex.Address);
        Assert.Equal($"Could not connect to {address}: connection refused.", ex.Message);
    }

    [Fact]
    public async Task Dialing_a_malformed_address_fails_with_a_connect_exception()
    {
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => CreateTransport().ConnectAsync("no-port-here", default).AsTask());

        Assert.Equal("no-port-here", ex.Address);
    }

    [Theory]
    [InlineData("127.0.0.1:5555", "127.0.0.1", 5555)]
    [InlineData("[::1]:80", "::1", 80)]
    [InlineData("example.org:0", "example.org", 0)]
    public void Parses_host_port_addresses(string address, string host, int port)
    {
        Assert.True(TcpAddress.TryParse(address, out var parsedHost, out int parsedPort));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1")]
    [InlineData(":80")]
    [InlineData("::1:80")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData("host: 80")]
    public void Rejects_malformed_addresses(string address) => Assert.False(TcpAddress.TryParse(address, out _, out _));

    private static async Task<Socket> RawConnectAsync(string address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPEndPoint.Parse(address)).WaitAsync(TestTimeouts.Default);
        return socket;
    }

    private static async Task AssertClosedByPeerAsync(Socket socket)
    {
        var buffer = new byte[16];
        try
        {
            Assert.Equal(0, await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Default));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }
}
