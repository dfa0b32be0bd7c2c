using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Tessera.FaultInjection;

/// <summary>
/// Carries one direction of one connection: a reader takes bytes off the source as they come, and a writer sends
/// them on when the faults in force allow. The bounded queue between them is what turns a blackhole into TCP
/// backpressure: once it is full the reader stops, the socket buffers fill, and the sender's window closes, so
/// bytes are held, never dropped, and a framed stream stays intact.
/// </summary>
internal sealed class DirectionPump
{
    private const int MaxChunkBytes = 16 * 1024;

    private readonly Socket _source;
    private readonly Socket _destination;
    private readonly Direction _direction;
    private readonly RelayContext _relay;
    private readonly Action _resetConnection;
    private readonly int _chunkBytes;
    private readonly Channel<Chunk> _chunks;

    public DirectionPump(Socket source, Socket destination, Direction direction, RelayContext relay, Action resetConnection)
    {
        _source = source;
        _destination = destination;
        _direction = direction;
        _relay = relay;
        _resetConnection = resetConnection;
        var buffer = relay.Options.BufferBytesPerDirection;
        _chunkBytes = Math.Min(MaxChunkBytes, buffer);
        _chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(buffer / _chunkBytes)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Runs until the source's close has been passed on, or the connection is reset. Never throws.</summary>
    public Task RunAsync(CancellationToken aborted) => Task.WhenAll(ReadAsync(aborted), WriteAsync(aborted));

    private async Task ReadAsync(CancellationToken aborted)
    {
        var buffer = new byte[_chunkBytes];
        try
        {
            while (true)
            {
                var count = await _source.ReceiveAsync(buffer, SocketFlags.None, aborted).ConfigureAwait(false);
                if (count == 0) break;
                var chunk = new Chunk(buffer.AsSpan(0, count).ToArray(), Stopwatch.GetTimestamp());
                await _chunks.Writer.WriteAsync(chunk, aborted).ConfigureAwait(false);
            }
            _chunks.Writer.TryComplete();
        }
        catch (Exception e)
        {
            // Handed to the writer, which passes it on only after the bytes before it.
            _chunks.Writer.TryComplete(e);
        }
    }

    private async Task WriteAsync(CancellationToken aborted)
    {
        try
        {
            await foreach (var chunk in _chunks.Reader.ReadAllAsync(aborted).ConfigureAwait(false))
            {
                await _relay.Faults.WhenDueAsync(chunk.ReceivedAt, aborted).ConfigureAwait(false);
                if (!_relay.Budget.TryTake(chunk.Bytes.Length))
                {
                    _resetConnection();
                    return;
                }
                // Counted before sending, so that a test that has received the bytes always sees them counted.
                _relay.Counters.CountForwarded(_direction, chunk.Bytes.Length);
                await SendAllAsync(chunk.Bytes, aborted).ConfigureAwait(false);
            }
            // The source closed in order; a partition would hide its FIN too, until it heals.
            await _relay.Faults.WhenForwardingAsync(aborted).ConfigureAwait(false);
            _destination.Shutdown(SocketShutdown.Send);
        }
        catch (Exception)
        {
            // A reset or failure crosses a blackhole no sooner than bytes do.
            await _relay.Faults.WhenForwardingAsync(aborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _resetConnection();
        }
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken aborted)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _destination.SendAsync(bytes, SocketFlags.None, aborted).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private readonly record struct Chunk(byte[] Bytes, long ReceivedAt);
}
