using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Tessera.FaultInjection.Tests;

/// <summary>Socket reads and writes for the tests, each bounded by <see cref="Deadline"/>.</summary>
internal static class Wire
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>How long "nothing arrives" is watched for; long enough to catch a relay that forwards at once.</summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(300);

    /// <summary>The same bytes for the same seed, so that a mismatch is reproducible.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!bytes.IsEmpty) bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, deadline.Token)..];
    }

    public static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int length)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var bytes = new byte[length];
        for (var read = 0; read < length;)
        {
            var count = await socket.ReceiveAsync(bytes.AsMemory(read), SocketFlags.None, deadline.Token);
            Assert.True(count > 0, $"The stream ended after {read} of {length} bytes.");
            read += count;
        }
        return bytes;
    }

    public static async Task ExpectEndAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        Assert.Equal(0, await socket.ReceiveAsync(new byte[1], SocketFlags.None, deadline.Token));
    }

    /// <summary>Reads and discards until the stream fails, and asserts it was reset rather than closed in order.</summary>
    public static async Task ExpectResetAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
            }
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
            return;
        }
        Assert.Fail("The stream was closed in order, not reset.");
    }

    /// <summary>Connects and asserts the connection is reset, whether the reset comes before the connect completes or after.</summary>
    public static async Task ExpectResetOnArrivalAsync(string address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await socket.ConnectAsync(IPEndPoint.Parse(address), deadline.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return;
        }
        await ExpectResetAsync(socket);
    }

    /// <summary>Asserts that nothing listens at <paramref name="address"/> any more.</summary>
    public static async Task ExpectConnectionRefusedAsync(string address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(Deadline);
        var error = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(IPEndPoint.Parse(address), deadline.Token));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    /// <summary>Asserts that for <see cref="QuietWindow"/> nothing arrives: no bytes, no close, no reset.</summary>
    /// <remarks>It peeks, so that bytes held back are still there to read later. It never blocks a thread: with two
    /// cores, a blocked pool thread would slow the relay until the window passed and the check proved nothing.</remarks>
    public static async Task ExpectQuietAsync(Socket socket)
    {
        using var window = new CancellationTokenSource(QuietWindow);
        try
        {
            await socket.ReceiveAsync(new byte[1], SocketFlags.Peek, window.Token);
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            return;
        }
        Assert.Fail("Bytes or a close arrived during the quiet window.");
    }

    public static async Task RoundTripAsync(Socket client, Socket server)
    {
        var ping = Pattern(64, 1);
        await SendAsync(client, ping);
        Assert.Equal(ping, await ReceiveExactlyAsync(server, ping.Length));
        var pong = Pattern(64, 2);
        await SendAsync(server, pong);
        Assert.Equal(pong, await ReceiveExactlyAsync(client, pong.Length));
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            Assert.False(deadline.IsCancellationRequested, $"Not within {Deadline}: {what}.");
            await Task.Delay(10);
        }
    }
}
