using System.Buffers;
using System.Threading.Channels;
using Tessera.Transport;

namespace Tessera.Runtime.Tests.Transport;

/// <summary>Copies every frame it is given and records how, and how often, its connection closed.</summary>
public sealed class RecordingSink : IFrameSink
{
    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closeCount;

    /// <summary>Runs before a frame is recorded; may throw to reject it, or block to stall the reader.</summary>
    public Action<ReadOnlySequence<byte>>? BeforeFrame { get; init; }

    public Task<Exception?> Closed => _closed.Task;

    public int CloseCount => Volatile.Read(ref _closeCount);

    public void OnFrame(IFrameConnection connection, ReadOnlySequence<byte> frame)
    {
        BeforeFrame?.Invoke(frame);
        _frames.Writer.TryWrite(frame.ToArray());
    }

    public void OnClosed(IFrameConnection connection, Exception? reason)
    {
        Interlocked.Increment(ref _closeCount);
        _closed.TrySetResult(reason);
    }

    public async Task<byte[]> NextAsync() => await _frames.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);

    public async Task<string> NextTextAsync() => Frames.Text(await NextAsync());
}

internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);
}

internal static class Frames
{
    public static OutboundFrame Of(string text) => OutboundFrame.Copy(System.Text.Encoding.UTF8.GetBytes(text));

    public static string Text(byte[] body) => System.Text.Encoding.UTF8.GetString(body);

    /// <summary>A frame of <paramref name="size"/> bytes whose first four carry <paramref name="index"/>.</summary>
    public static OutboundFrame Indexed(int index, int size)
    {
        var body = new byte[size];
        BitConverter.TryWriteBytes(body, index);
        return OutboundFrame.Copy(body);
    }
}
