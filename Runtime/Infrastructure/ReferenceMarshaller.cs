using System;
using System.Buffers;
using System.ComponentModel;
using MemoryPack;
using Tessera.Serialization;

namespace Tessera.Infrastructure;

/// <summary>
/// Writes and reads distributed objects as references, never as copies. Generated code calls this
/// for every parameter or result whose type is a distributed class.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ReferenceMarshaller
{
    public static void Write<TBufferWriter, T>(ref MemoryPackWriter<TBufferWriter> writer, Site site, T? value, DistributedTypeInfo<T> type)
        where TBufferWriter : IBufferWriter<byte>
        where T : class
    {
        var reference = value is null ? null : site.References.ToWire(value, type);
        writer.WriteValue(reference);
    }

    /// <summary>Writes an async reference (<c>X.Ref</c>) as a reference to the object it reaches, local or remote.</summary>
    public static void WriteAsyncReference<TBufferWriter, T>(ref MemoryPackWriter<TBufferWriter> writer, Site site, AsyncReference<T>? value, DistributedTypeInfo<T> type)
        where TBufferWriter : IBufferWriter<byte>
        where T : class
        => Write(ref writer, site, value?.Target, type);

    /// <summary>Reads a reference and wraps the object (or its proxy) in a new async reference with <paramref name="wrap"/>.</summary>
    public static TReference? ReadAsyncReference<T, TReference>(ref MemoryPackReader reader, Site site, DistributedTypeInfo<T> type, Func<T, TReference> wrap)
        where T : class
        where TReference : AsyncReference<T>
        => Read(ref reader, site, type) is { } target ? wrap(target) : null;

    public static T? Read<T>(ref MemoryPackReader reader, Site site, DistributedTypeInfo<T> type)
        where T : class
    {
        var reference = reader.ReadValue<WireReference>();
        return reference is null ? null : (T)site.References.FromWire(reference, type);
    }
}
