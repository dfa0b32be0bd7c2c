using System;
using System.Buffers;
using Tessera.Infrastructure;

namespace Tessera.Transport;

/// <summary>
/// Where frame bodies are rented and returned. Small frames (calls and replies with small arguments) come
/// from a pool of their own: they are encoded on the calling thread and returned by the writer loop, and a
/// pipelining caller keeps a thousand of them queued, which the shared pool (a few arrays per size per core)
/// cannot hold, so most of its rents would be fresh arrays. Larger frames use <see cref="ArrayPool{T}.Shared"/>.
/// </summary>
internal static class FrameBuffers
{
    public const int SmallSize = 128;

    // Bounds what the pool keeps when a burst ends: 4,096 × 128 B, about half a megabyte per process.
    private const int MaxKeptSmall = 4096;

    // Small buffers a thread returned, kept for its own next rents. Many buffers are rented and returned on one
    // thread (a call's arguments, a result encoded at home); the shared queue costs two interlocked operations
    // per buffer, which measurably cost more CPU than allocating would.
    private const int ThreadCacheSize = 4;

    private static readonly ReusePool<byte[]> s_small = new(MaxKeptSmall);

    [ThreadStatic]
    private static byte[]?[]? t_cache;

    [ThreadStatic]
    private static int t_cached;

    public static byte[] Rent(int minimumLength)
    {
        if (minimumLength > SmallSize) return ArrayPool<byte>.Shared.Rent(minimumLength);
        if (t_cached > 0)
        {
            var cache = t_cache!;
            var cached = cache[--t_cached]!;
            cache[t_cached] = null;
            return cached;
        }
        return s_small.TryRent() ?? GC.AllocateUninitializedArray<byte>(SmallSize);
    }

    public static void Return(byte[] buffer)
    {
        if (buffer.Length != SmallSize)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }
        if (t_cached < ThreadCacheSize)
        {
            (t_cache ??= new byte[ThreadCacheSize][])[t_cached++] = buffer;
            return;
        }
        // A buffer the full pool cannot keep is left to the garbage collector.
        s_small.TryReturn(buffer);
    }
}
