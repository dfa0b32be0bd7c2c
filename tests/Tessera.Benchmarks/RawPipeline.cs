using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Threading;
using System.Threading.Tasks;
using Pipelines.Sockets.Unofficial;

namespace Tessera.Benchmarks;

/// <summary>
/// The floor for pipelined calls: 12-byte frames (length, slot, an int) written back to back to the raw echo
/// server with at most <c>depth</c> in flight, their echoes read by a loop that frees the window. The echoes
/// must come back in order, which the reader checks, so nothing is counted that did not make the round trip.
/// </summary>
internal sealed class RawPipeline : IAsyncDisposable
{
    private const int FrameSize = 12;
    private readonly SocketConnection _connection;
    private readonly Task _reader;
    private SemaphoreSlim _window = new(1);
    private CallCounter? _counter;
    private int _expected;
    private volatile Exception? _failure;

    public RawPipeline(SocketConnection connection)
    {
        _connection = connection;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>On a thread of its own: the writer blocks on the window, as a caller of a blocking API would.</summary>
    public Task PumpAsync(int depth, CallCounter counter, CancellationToken stop) => Task.Factory.StartNew(() =>
    {
        using var window = new SemaphoreSlim(depth, depth);
        (_window, _counter) = (window, counter);
        var next = _expected;
        while (!stop.IsCancellationRequested)
        {
            Acquire(window);
            var span = _connection.Output.GetSpan(FrameSize);
            BinaryPrimitives.WriteInt32LittleEndian(span, FrameSize - 4);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], 0);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], next++);
            _connection.Output.Advance(FrameSize);
            var flush = _connection.Output.FlushAsync();
            if (!flush.IsCompletedSuccessfully) flush.AsTask().GetAwaiter().GetResult();
        }
        // Holding the whole window again means every echo is in.
        for (var i = 0; i < depth; i++) Acquire(window);
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        // Disposing the socket alone does not wake a pending pipe read.
        _connection.Input.CancelPendingRead();
        await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        _connection.Dispose();
    }

    private void Acquire(SemaphoreSlim window)
    {
        if (!window.Wait(RunSettings.PhaseTimeout)) throw new TimeoutException("The raw echo server stopped answering.", _failure);
        if (_failure is not null) throw new InvalidOperationException("The raw pipeline failed.", _failure);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var read = await _connection.Input.ReadAsync();
                var buffer = read.Buffer;
                while (buffer.Length >= FrameSize)
                {
                    var value = ReadValue(buffer.Slice(8, 4));
                    if (value != _expected) throw new InvalidOperationException($"The raw echo returned {value}, expected {_expected}.");
                    _expected++;
                    buffer = buffer.Slice(FrameSize);
                    _counter!.Add(0);
                    _window.Release();
                }
                _connection.Input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted || read.IsCanceled) return;
            }
        }
        catch (Exception ex)
        {
            _failure = ex;
            _window.Release();
        }
    }

    private static int ReadValue(ReadOnlySequence<byte> bytes)
    {
        Span<byte> value = stackalloc byte[4];
        bytes.CopyTo(value);
        return BinaryPrimitives.ReadInt32LittleEndian(value);
    }
}
