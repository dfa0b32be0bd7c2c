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
                    EmitEncode(w, Prefix(method) + "_EncodeArguments", wired);
                    w.Line();
                    EmitDecodeArguments(w, method, wired, $"the arguments of {origin}");
                }
                if (method.Result is { } result)
                {
                    if (!first) w.Line();
                    first = false;
                    EmitEncode(w, Prefix(method) + "_EncodeResult", new List<(string, ValueModel)> { ("__result", result) });
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

    internal static void EmitEncode(IndentedWriter w, string name, IReadOnlyList<(string Name, ValueModel Value)> values)
    {
        var parameters = string.Concat(values.Select(v => $", {v.Value.Type} {v.Name}"));
        using (w.Block($"public static byte[] {name}({Site} __site{parameters})"))
        {
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
            w.Line("return global::Tessera.Infrastructure.CodecBuffer.ToArrayAndReturn(__buffer);");
        }
    }

    private static void EmitDecodeArguments(IndentedWriter w, MethodModel method, IReadOnlyList<(string Name, ValueModel Value)> wired, string what)
    {
        var outs = string.Concat(wired.Select(p => $", out {p.Value.Type} {p.Name}"));
        using (w.Block($"public static void {Prefix(method)}_DecodeArguments({Site} __site, byte[] __bytes{outs})"))
        {
            EmitReader(w, wired.Select(p => $"{p.Name} = {Read(p.Value)};"), what, "");
        }
    }

    private static void EmitDecodeResult(IndentedWriter w, MethodModel method, ValueModel result, string what)
    {
        using (w.Block($"public static {result.Type} {Prefix(method)}_DecodeResult({Site} __site, byte[] __bytes)"))
        {
            EmitReader(w, new[] { $"var __result = {Read(result)};" }, what, "return __result;");
        }
    }

    /// <summary>
    /// Reads with <paramref name="reads"/>, then insists the bytes are used up: leftovers mean the two sites
    /// disagree on the signature, and the values read are then not to be trusted.
    /// </summary>
    internal static void EmitReader(IndentedWriter w, IEnumerable<string> reads, string what, string last)
    {
        using (w.Block("using (var __state = global::MemoryPack.MemoryPackReaderOptionalStatePool.Rent(null))"))
        {
            w.Line("var __reader = new global::MemoryPack.MemoryPackReader(__bytes, __state);");
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
