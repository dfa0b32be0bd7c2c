using System;
using System.Buffers;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using MemoryPack;

namespace Tessera.Infrastructure;

/// <summary>
/// How the value of a <see cref="Dataflow{T}"/> travels when a bind crosses sites. Generated code picks
/// one per variable type: a MemoryPack copy, or a reference for distributed classes.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class DataflowCodec<T>
{
    public abstract byte[] Encode(Site site, T value);

    public abstract T Decode(Site site, byte[] bytes);
}

/// <summary>The codec of a completion-only <see cref="Dataflow"/>; its own type picks the completion overloads.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CompletionCodec : DataflowCodec<bool>
{
    internal static readonly CompletionCodec Instance = new();

    private CompletionCodec() { }

    public override byte[] Encode(Site site, bool value) => Array.Empty<byte>();

    public override bool Decode(Site site, byte[] bytes) => true;
}

[EditorBrowsable(EditorBrowsableState.Never)]
public static class DataflowCodec
{
    public static CompletionCodec Completion => CompletionCodec.Instance;

    public static DataflowCodec<T> Copy<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>() => CopyCodec<T>.Instance;

    public static DataflowCodec<T> Reference<T>(DistributedTypeInfo<T> type) where T : class => new ReferenceCodec<T>(type);

    private sealed class CopyCodec<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T> : DataflowCodec<T>
    {
        public static readonly CopyCodec<T> Instance = new();

        public override byte[] Encode(Site site, T value) => MemoryPackSerializer.Serialize(value);

        public override T Decode(Site site, byte[] bytes) => MemoryPackSerializer.Deserialize<T>(bytes)!;
    }

    private sealed class ReferenceCodec<T>(DistributedTypeInfo<T> type) : DataflowCodec<T> where T : class
    {
        public override byte[] Encode(Site site, T value)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var state = MemoryPackWriterOptionalStatePool.Rent(null))
            {
                var writer = new MemoryPackWriter<ArrayBufferWriter<byte>>(ref buffer, state);
                ReferenceMarshaller.Write(ref writer, site, value, type);
                writer.Flush();
            }
            return buffer.WrittenSpan.ToArray();
        }

        public override T Decode(Site site, byte[] bytes)
        {
            using var state = MemoryPackReaderOptionalStatePool.Rent(null);
            var reader = new MemoryPackReader(bytes, state);
            try
            {
                return ReferenceMarshaller.Read(ref reader, site, type)!;
            }
            finally
            {
                reader.Dispose();
            }
        }
    }
}
