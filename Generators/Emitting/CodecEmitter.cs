using System.Collections.Generic;
using System.Linq;
using Tessera.Generators.Model;

namespace Tessera.Generators.Emitting;

/// <summary>
/// Emits the per-method encode and decode helpers. They are plain synchronous methods because
/// MemoryPack's writer and reader are ref structs, which cannot live across an await. A method without
/// wired parameters gets no argument helpers: its arguments are always empty.
/// </summary>
internal static class CodecEmitter
{
    private const string Site = "global::Tessera.Site";
    private const string BufferWriter = "global::System.Buffers.ArrayBufferWriter<byte>";

    /// <summary>Arguments and results travel in pooled arrays that the runtime copies into frames and gives back.</summary>
    public const string EncodedBytes = "global::Tessera.Infrastructure.EncodedBytes";

    private const string FixedSizeCodec = "global::Tessera.Infrastructure.FixedSizeCodec";

    public static void Emit(IndentedWriter w, StationaryClassModel model)
    {
        using (w.Block("private static class TesseraCodec"))
        {
            var first = true;
            foreach (var method in model.Methods)
            {
                var wired = Wired(method).Select(p => (p.Name, p.Value)).ToList();
                var origin = $"{model.MetadataName}.{method.Name}";
                if (wired.Count > 0)
                {
                    if (!first) w.Line();
                    first = false;
                    EmitEncode(w, Prefix(method) + "_EncodeArguments", wired, pooled: true);
                    w.Line();
                    EmitDecodeArguments(w, method, wired, $"the arguments of {origin}");
                }
                if (method.Result is { } result)
                {
                    if (!first) w.Line();
                    first = false;
                    EmitEncode(w, Prefix(method) + "_EncodeResult", new List<(string, ValueModel)> { ("__result", result) }, pooled: true);
                    w.Line();
                    EmitDecodeResult(w, method, result, $"the result of {origin}");
                }
            }
        }
    }

    /// <summary>Names the helpers of one method; the id keeps overloads apart.</summary>
    public static string Prefix(MethodModel method) => $"{method.Name}_{method.Id:x8}";

    /// <summary>The parameters that travel: all but the cancellation token.</summary>
    public static IEnumerable<ParameterModel> Wired(MethodModel method) => method.Parameters.Where(p => !p.IsCancellationToken);

    /// <param name="pooled">Return <c>EncodedBytes</c> in a pooled array, or a <c>byte[]</c> of their own for bytes that are kept.</param>
    internal static void EmitEncode(IndentedWriter w, string name, IReadOnlyList<(string Name, ValueModel Value)> values, bool pooled)
    {
        var parameters = string.Concat(values.Select(v => $", {v.Value.Type} {v.Name}"));
        using (w.Block($"public static {(pooled ? EncodedBytes : "byte[]")} {name}({Site} __site{parameters})"))
        {
            if (pooled && AllFixedSize(values))
            {
                using (w.Block($"if ({AllRaw(values)})"))
                {
                    w.Line($"var __encoded = {FixedSizeCodec}.Rent({values.Sum(v => v.Value.FixedSize)}, out var __span);");
                    foreach (var (offset, valueName, _) in Offsets(values)) w.Line($"{FixedSizeCodec}.Write(__span, {offset}, {valueName});");
                    w.Line("return __encoded;");
                }
            }
            w.Line("var __buffer = global::Tessera.Infrastructure.CodecBuffer.Rent();");
            using (w.Block("using (var __state = global::MemoryPack.MemoryPackWriterOptionalStatePool.Rent(null))"))
            {
                w.Line($"var __writer = new global::MemoryPack.MemoryPackWriter<{BufferWriter}>(ref __buffer, __state);");
                foreach (var (valueName, value) in values)
                {
                    w.Line(value.VariableCodec is { } codec
                        ? $"global::Tessera.Infrastructure.VariableMarshaller.Write(ref __writer, __site, {valueName}, {codec});"
                        : value.IsAsyncReference
                        ? $"global::Tessera.Infrastructure.ReferenceMarshaller.WriteAsyncReference(ref __writer, __site, {valueName}, {value.ReferenceTypeInfo});"
                        : value.ReferenceTypeInfo is { } typeInfo
                        ? $"global::Tessera.Infrastructure.ReferenceMarshaller.Write(ref __writer, __site, {valueName}, {typeInfo});"
                        : $"__writer.WriteValue({valueName});");
                }
                w.Line("__writer.Flush();");
            }
            w.Line($"return global::Tessera.Infrastructure.CodecBuffer.{(pooled ? "ToEncodedAndReturn" : "ToArrayAndReturn")}(__buffer);");
        }
    }

    private static void EmitDecodeArguments(IndentedWriter w, MethodModel method, IReadOnlyList<(string Name, ValueModel Value)> wired, string what)
    {
        var outs = string.Concat(wired.Select(p => $", out {p.Value.Type} {p.Name}"));
        using (w.Block($"public static void {Prefix(method)}_DecodeArguments({Site} __site, {EncodedBytes} __encoded{outs})"))
        {
            if (AllFixedSize(wired))
            {
                using (w.Block($"if ({AllRaw(wired)})"))
                {
                    w.Line($"{FixedSizeCodec}.CheckLength(__encoded, {wired.Sum(p => p.Value.FixedSize)}, \"{what}\");");
                    w.Line("var __span = __encoded.Span;");
                    foreach (var (offset, name, value) in Offsets(wired)) w.Line($"{name} = {FixedSizeCodec}.Read<{value.Type}>(__span, {offset});");
                    w.Line("return;");
                }
            }
            EmitReader(w, wired.Select(p => $"{p.Name} = {Read(p.Value)};"), what, "", source: "__encoded.Span");
        }
    }

    private static void EmitDecodeResult(IndentedWriter w, MethodModel method, ValueModel result, string what)
    {
        // Gives the result's pooled array back, whether or not it decodes.
        using (w.Block($"public static {result.Type} {Prefix(method)}_DecodeResult({Site} __site, {EncodedBytes} __encoded)"))
        {
            if (result.FixedSize > 0)
            {
                using (w.Block($"if ({FixedSizeCodec}.IsRaw<{result.Type}>())"))
                {
                    using (w.Block("try"))
                    {
                        w.Line($"{FixedSizeCodec}.CheckLength(__encoded, {result.FixedSize}, \"{what}\");");
                        w.Line($"return {FixedSizeCodec}.Read<{result.Type}>(__encoded.Span, 0);");
                    }
                    using (w.Block("finally"))
                    {
                        w.Line("__encoded.Return();");
                    }
                }
            }
            EmitReader(w, new[] { $"var __result = {Read(result)};" }, what, "return __result;", source: "__encoded.Span", release: "__encoded.Return();");
        }
    }

    /// <summary>Whether every value is a number, bool, char or enum: then the bytes are written and read without MemoryPack.</summary>
    private static bool AllFixedSize(IReadOnlyList<(string Name, ValueModel Value)> values) => values.Count > 0 && values.All(v => v.Value.FixedSize > 0);

    /// <summary>The condition for the raw path: no value's type has a MemoryPack formatter of the application's own.</summary>
    private static string AllRaw(IReadOnlyList<(string Name, ValueModel Value)> values)
        => string.Join(" && ", values.Select(v => v.Value.Type).Distinct().Select(type => $"{FixedSizeCodec}.IsRaw<{type}>()"));

    /// <summary>Each value with where its bytes start: one after another, in order, as MemoryPack writes them.</summary>
    private static IEnumerable<(int Offset, string Name, ValueModel Value)> Offsets(IReadOnlyList<(string Name, ValueModel Value)> values)
    {
        var offset = 0;
        foreach (var (name, value) in values)
        {
            yield return (offset, name, value);
            offset += value.FixedSize;
        }
    }

    /// <summary>
    /// Reads with <paramref name="reads"/>, then insists the bytes are used up: leftovers mean the two sites
    /// disagree on the signature, and the values read are then not to be trusted.
    /// </summary>
    /// <param name="source">The bytes to read; <paramref name="release"/>, if any, runs once reading is over.</param>
    internal static void EmitReader(IndentedWriter w, IEnumerable<string> reads, string what, string last, string source = "__bytes", string? release = null)
    {
        using (w.Block("using (var __state = global::MemoryPack.MemoryPackReaderOptionalStatePool.Rent(null))"))
        {
            w.Line($"var __reader = new global::MemoryPack.MemoryPackReader({source}, __state);");
            using (w.Block("try"))
            {
                foreach (var read in reads) w.Line(read);
                using (w.Block("if (__reader.Remaining != 0)"))
                {
                    w.Line($"throw new global::MemoryPack.MemoryPackSerializationException($\"{{__reader.Remaining}} byte(s) left unread after {what}: the sending site was built with a different signature.\");");
                }
                if (last.Length > 0) w.Line(last);
            }
            using (w.Block("finally"))
            {
                w.Line("__reader.Dispose();");
                if (release is not null) w.Line(release);
            }
        }
    }

    /// <summary>The expression that decodes one value; '!' only where a reference type is declared non-nullable.</summary>
    internal static string Read(ValueModel value)
    {
        var read = value.VariableCodec is { } codec
            ? $"global::Tessera.Infrastructure.VariableMarshaller.Read(ref __reader, __site, {codec})"
            : value.IsAsyncReference
            ? $"global::Tessera.Infrastructure.ReferenceMarshaller.ReadAsyncReference(ref __reader, __site, {value.ReferenceTypeInfo}, static __target => new {value.Type.TrimEnd('?')}(__target))"
            : value.ReferenceTypeInfo is { } typeInfo
            ? $"global::Tessera.Infrastructure.ReferenceMarshaller.Read(ref __reader, __site, {typeInfo})"
            : $"__reader.ReadValue<{value.Type}>()";
        return value.IsNonNullableReference ? read + "!" : read;
    }
}
