using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Pipelines.Sockets.Unofficial;

namespace Tessera.Benchmarks;

/// <summary>
/// The floor: length-prefixed frames echoed over Pipelines.Sockets.Unofficial, with nothing else.
/// Concurrent callers share one connection and tell their replies apart by a slot id in the frame
/// (multiplexed, as Tessera, Orleans and gRPC carry calls over one connection).
/// </summary>
internal static class RawTcpScenario
{
    public const string Verb = "serve-raw";

    // Frame: u32 body length, then the body: u32 slot, then the payload.
    private const int HeaderSize = 4;
    private const int SlotSize = 4;

    // The pipe settings Tessera's TCP transport uses (thread-pool schedulers), so the floor differs from Tessera
    // only by what Tessera adds, not by Pipelines.Sockets.Unofficial's dedicated scheduler threads.
    private static readonly PipeOptions Pipes = new(useSynchronizationContext: false);

    /// <summary>Child side: echoes every frame back on the connection it came from, one flush per read.</summary>
    public static async Task ServeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        Console.WriteLine(((IPEndPoint)listener.LocalEndPoint!).Port);
        _ = AcceptLoopAsync(listener);
        await ChildControl.RunAsync();
    }

    /// <summary>Ping-pong of an int and of 1 KiB, one caller and many, and pipelined echo at both depths.</summary>
    public static Task<Scenario> StartAsync(CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        var server = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(30), cancellationToken));
        var port = int.Parse(server.Announcement);
        var client = scenario.Own(new Client(await ConnectAsync(port, cancellationToken), RunSettings.Callers));
        var pipeline = scenario.Own(new RawPipeline(await ConnectAsync(port, cancellationToken)));

        var small = new byte[sizeof(int)];
        var kib = new byte[RunSettings.KiB];
        Random.Shared.NextBytes(kib);
        foreach (var (payload, kind, name) in new[] { (small, Payload.Int, "int"), (kib, Payload.KiB, "1 KiB") })
        {
            Func<int, Func<Task>> callerFor = slot => () => client.EchoAsync(slot, payload);
            Func<CancellationToken, Task> verify = _ => client.EchoAsync(0, payload);
            var id = kind == Payload.Int ? "int" : "kib";
            scenario.Workloads.Add(new Workload($"raw-{id}-seq", SystemUnderTest.RawTcp, $"Raw TCP ping-pong, {name}", Shape.Sequential, 1, kind, server)
                { CallerFor = callerFor, Verify = verify });
            scenario.Workloads.Add(new Workload($"raw-{id}-{RunSettings.Callers}", SystemUnderTest.RawTcp, $"Raw TCP ping-pong, {name}, {RunSettings.Callers} callers", Shape.Concurrent, RunSettings.Callers, kind, server)
                { CallerFor = callerFor, Verify = verify });
        }
        foreach (var depth in new[] { RunSettings.ShallowDepth, RunSettings.DeepDepth })
        {
            scenario.Workloads.Add(new Workload($"raw-pipelined-{depth}", SystemUnderTest.RawTcp, $"Raw TCP pipelined echo, {depth} in flight", Shape.Pipelined, depth, Payload.Int, server)
                { Pump = (counter, stop) => pipeline.PumpAsync(depth, counter, stop), Verify = _ => Task.CompletedTask });
        }
    });

    public static async Task<SocketConnection> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return Connection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static SocketConnection Connection(Socket socket) => SocketConnection.Create(socket, Pipes, Pipes);

    private static async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            var socket = await listener.AcceptAsync();
            socket.NoDelay = true;
            _ = EchoLoopAsync(Connection(socket));
        }
    }

    private static async Task EchoLoopAsync(SocketConnection connection)
    {
        using (connection)
        {
            var input = connection.Input;
            var output = connection.Output;
            while (true)
            {
                var read = await input.ReadAsync();
                var buffer = read.Buffer;
                var wrote = false;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    frame.CopyTo(output.GetSpan((int)frame.Length));
                    output.Advance((int)frame.Length);
                    wrote = true;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (wrote) await output.FlushAsync();
                if (read.IsCompleted) return;
            }
        }
    }

    /// <summary>Slices a whole frame, prefix included, off the front of the buffer.</summary>
    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < HeaderSize) return false;
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var total = HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(header);
        if (buffer.Length < total) return false;
        frame = buffer.Slice(0, total);
        buffer = buffer.Slice(total);
        return true;
    }

    /// <summary>
    /// One connection, one pending reply per slot. Replies complete their caller inline on the reader loop,
    /// the cheapest hand-off there is, so this stays a floor.
    /// </summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly SocketConnection _connection;
        private readonly TaskCompletionSource<int>?[] _pending;
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private readonly Task _reader;

        public Client(SocketConnection connection, int slots)
        {
            _connection = connection;
            _pending = new TaskCompletionSource<int>?[slots];
            _reader = Task.Run(ReadLoopAsync);
        }

        public async Task EchoAsync(int slot, byte[] payload)
        {
            var reply = new TaskCompletionSource<int>();
            Volatile.Write(ref _pending[slot], reply);
            // A PipeWriter takes one writer at a time.
            await _writeLock.WaitAsync();
            try
            {
                var span = _connection.Output.GetSpan(HeaderSize + SlotSize + payload.Length);
                BinaryPrimitives.WriteInt32LittleEndian(span, SlotSize + payload.Length);
                BinaryPrimitives.WriteInt32LittleEndian(span[HeaderSize..], slot);
                payload.CopyTo(span[(HeaderSize + SlotSize)..]);
                _connection.Output.Advance(HeaderSize + SlotSize + payload.Length);
                await _connection.Output.FlushAsync();
            }
            finally
            {
                _writeLock.Release();
            }
            if (await reply.Task != payload.Length) throw new InvalidOperationException("The raw echo returned the wrong payload length.");
        }

        /// <remarks>
        /// Asynchronous because, with inline completions, the code that disposes may itself be running on the
        /// reader loop: blocking here would wait for the very thread it occupies.
        /// </remarks>
        public async ValueTask DisposeAsync()
        {
            // Disposing the socket alone does not wake a pending pipe read.
            _connection.Input.CancelPendingRead();
            try
            {
                await _reader.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                Console.Error.WriteLine("The raw TCP reader did not stop within 5 s.");
            }
            _connection.Dispose();
        }

        private async Task ReadLoopAsync()
        {
            Exception failure = new System.IO.IOException("The raw echo server closed the connection.");
            try
            {
                while (true)
                {
                    var read = await _connection.Input.ReadAsync();
                    var buffer = read.Buffer;
                    while (TryReadFrame(ref buffer, out var frame)) Complete(frame);
                    _connection.Input.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted || read.IsCanceled) break;
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            foreach (var pending in _pending) pending?.TrySetException(failure);
        }

        private void Complete(ReadOnlySequence<byte> frame)
        {
            Span<byte> prefix = stackalloc byte[HeaderSize + SlotSize];
            frame.Slice(0, prefix.Length).CopyTo(prefix);
            var slot = BinaryPrimitives.ReadInt32LittleEndian(prefix[HeaderSize..]);
            Interlocked.Exchange(ref _pending[slot], null)?.TrySetResult((int)frame.Length - prefix.Length);
        }
    }
}
