using System.Buffers;
using System.ComponentModel;
using MemoryPack;
using Tessera.Serialization;

namespace Tessera.Infrastructure;

/// <summary>
/// Writes and reads dataflow variables as variables, never as copies: an unbound variable arrives on
/// the other site as a proxy of the same variable. Generated code calls this for every
/// <see cref="Dataflow{T}"/> or <see cref="Dataflow"/> parameter or result.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VariableMarshaller
{
    public static void Write<TBufferWriter, T>(ref MemoryPackWriter<TBufferWriter> writer, Site site, Dataflow<T>? variable, DataflowCodec<T> codec)
        where TBufferWriter : IBufferWriter<byte>
        => writer.WriteValue(variable is null ? null : site.Variables.ToWire(variable, codec));

    public static void Write<TBufferWriter>(ref MemoryPackWriter<TBufferWriter> writer, Site site, Dataflow? variable, CompletionCodec codec)
        where TBufferWriter : IBufferWriter<byte>
        => Write(ref writer, site, variable?.Inner, codec);

    public static Dataflow<T>? Read<T>(ref MemoryPackReader reader, Site site, DataflowCodec<T> codec)
    {
        var wire = reader.ReadValue<WireVariable>();
        return wire is null ? null : site.Variables.FromWire(wire, codec);
    }

    public static Dataflow? Read(ref MemoryPackReader reader, Site site, CompletionCodec codec)
        => Read<bool>(ref reader, site, codec) is { } inner ? new Dataflow(inner) : null;
}
