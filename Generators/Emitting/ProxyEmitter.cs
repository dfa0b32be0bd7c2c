using System.Linq;
using Tessera.Generators.Model;
using static Tessera.Generators.Emitting.StationaryEmitter;

namespace Tessera.Generators.Emitting;

/// <summary>Writes the sealed proxy subclass that stands for a remote instance and forwards every remotable call.</summary>
internal static class ProxyEmitter
{
    public static void Emit(IndentedWriter w, StationaryClassModel model)
    {
        using (w.Block($"private sealed class TesseraProxy : {model.FullyQualifiedName}, {Infrastructure}.IDistributedProxy"))
        {
            w.Line($"private readonly {Infrastructure}.ProxyHandle __tesseraHandle;");
            w.Line();
            w.Line(SetsRequiredMembers);
            w.Line($"public TesseraProxy({Infrastructure}.ProxyHandle handle) : base(handle) => __tesseraHandle = handle;");
            w.Line();
            w.Line($"{Infrastructure}.ProxyHandle {Infrastructure}.IDistributedProxy.TesseraHandle => __tesseraHandle;");
            foreach (var method in model.Methods)
            {
                w.Line();
                EmitMethod(w, method);
            }
        }
    }

    private static void EmitMethod(IndentedWriter w, MethodModel method)
    {
        var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Value.Type} {p.Name}"));
        var wired = CodecEmitter.Wired(method).ToList();
        var encoded = wired.Count == 0
            ? $"default({CodecEmitter.EncodedBytes})"
            : $"TesseraCodec.{CodecEmitter.Prefix(method)}_EncodeArguments(__tesseraHandle.Site{string.Concat(wired.Select(p => ", " + p.Name))})";
        var token = method.Parameters.FirstOrDefault(p => p.IsCancellationToken)?.Name ?? "default";
        var id = $"0x{method.Id:x8}u";
        using (w.Block($"public override {(method.IsAsync ? "async " : "")}{method.DeclaredReturnType} {method.Identifier}({parameters})"))
        {
            var call = method.IsAsync
                ? $"await __tesseraHandle.CallAsync({id}, {encoded}, {token}).ConfigureAwait(false)"
                : $"__tesseraHandle.Call({id}, {encoded}, {token})";
            if (method.Result is null)
            {
                w.Line(call + ";");
            }
            else
            {
                w.Line($"var __reply = {call};");
                w.Line($"return TesseraCodec.{CodecEmitter.Prefix(method)}_DecodeResult(__tesseraHandle.Site, __reply);");
            }
        }
    }
}
