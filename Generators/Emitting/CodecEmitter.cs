using System.Collections.Generic;
using System.Linq;
using Tessera.Generators.Model;

namespace Tessera.Generators.Emitting;

/// <summary>
/// Emits the per-method encode and decode helpers. They are plain synchronous methods because
/// MemoryPack's writer and reader are ref structs, which cannot live across an await.
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
                if (!first) w.Line();
                first = false;
                var wired = Wired(method).ToList();
                EmitEncode(w, Prefix(method) + "_EncodeArguments", wired.Select(p => (p.Name, p.Value)).ToList());
                w.Line();
                EmitDecodeArguments(w, method, wired);
                if (method.Result is { } result)
                {
                    w.Line();
                    EmitEncode(w, Prefix(method) + "_EncodeResult", new List<(string, ValueModel)> { ("result", result) });
                    w.Line();
                    EmitDecodeResult(w, method, result);
                }
            }
        }
    }

    /// <summary>Names the helpers of one method; the id keeps overloads apart.</summary>
    public static string Prefix(MethodModel method) => $"{method.Name}_{method.Id:x8}";

    /// <summary>The parameters that travel: all but the cancellation token.</summary>
    public static IEnumerable<ParameterModel> Wired(MethodModel method) => method.Parameters.Where(p => !p.IsCancellationToken);

    private static void EmitEncode(IndentedWriter w, string name, IReadOnlyList<(string Name, ValueModel Value)> values)
    {
        var parameters = string.Concat(values.Select(v => $", {v.Value.Type} {v.Name}"));
        using (w.Block($"public static byte[] {name}({Site} site{parameters})"))
        {
            if (values.Count == 0)
            {
                w.Line("return global::System.Array.Empty<byte>();");
                return;
            }
            w.Line($"var buffer = new {BufferWriter}();");
            using (w.Block("using (var state = global::MemoryPack.MemoryPackWriterOptionalStatePool.Rent(null))"))
            {
                w.Line($"var writer = new global::MemoryPack.MemoryPackWriter<{BufferWriter}>(ref buffer, state);");
                foreach (var (valueName, value) in values)
                {
                    w.Line(value.ReferenceTypeInfo is { } typeInfo
                        ? $"global::Tessera.Infrastructure.ReferenceMarshaller.Write(ref writer, site, {valueName}, {typeInfo});"
                        : $"writer.WriteValue({valueName});");
                }
                w.Line("writer.Flush();");
            }
            w.Line("return buffer.WrittenSpan.ToArray();");
        }
    }

    private static void EmitDecodeArguments(IndentedWriter w, MethodModel method, IReadOnlyList<ParameterModel> wired)
    {
        var outs = string.Concat(wired.Select(p => $", out {p.Value.Type} {p.Name}"));
        using (w.Block($"public static void {Prefix(method)}_DecodeArguments({Site} site, byte[] arguments{outs})"))
        {
            if (wired.Count == 0)
            {
                w.Line("_ = site;");
                w.Line("_ = arguments;");
                return;
            }
            EmitReader(w, wired.Select(p => (p.Name, p.Value)));
        }
    }

    private static void EmitDecodeResult(IndentedWriter w, MethodModel method, ValueModel result)
    {
        using (w.Block($"public static {result.Type} {Prefix(method)}_DecodeResult({Site} site, byte[] arguments)"))
        {
            w.Line($"{result.Type} result;");
            EmitReader(w, new[] { ("result", result) });
            w.Line("return result;");
        }
    }

    private static void EmitReader(IndentedWriter w, IEnumerable<(string Name, ValueModel Value)> values)
    {
        using (w.Block("using (var state = global::MemoryPack.MemoryPackReaderOptionalStatePool.Rent(null))"))
        {
            w.Line("var reader = new global::MemoryPack.MemoryPackReader(arguments, state);");
            foreach (var (name, value) in values)
            {
                w.Line(value.ReferenceTypeInfo is { } typeInfo
                    ? $"{name} = global::Tessera.Infrastructure.ReferenceMarshaller.Read(ref reader, site, {typeInfo})!;"
                    : $"{name} = reader.ReadValue<{value.Type}>()!;");
            }
            w.Line("reader.Dispose();");
        }
    }
}
