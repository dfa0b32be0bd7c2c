using System.Linq;
using Tessera.Generators.Model;
using static Tessera.Generators.Emitting.StationaryEmitter;

namespace Tessera.Generators.Emitting;

/// <summary>Writes the type info: proxy factory and the home-side dispatch from method id to method.</summary>
internal static class InvokerEmitter
{
    private const string ValueTask = "global::System.Threading.Tasks.ValueTask<" + CodecEmitter.EncodedBytes + ">";

    /// <param name="typeInfoBase">The runtime base class of the type info, which decides how home runs calls.</param>
    public static void Emit(IndentedWriter w, StationaryClassModel model, string typeInfoBase = "StationaryTypeInfo")
    {
        var fq = model.FullyQualifiedName;
        using (w.Block($"private sealed class TesseraTypeInfo : {Infrastructure}.{typeInfoBase}<{fq}>"))
        {
            w.Line($"public TesseraTypeInfo() : base(\"{model.MetadataName}\", 0x{model.Fingerprint:x16}ul) {{ }}");
            w.Line();
            w.Line($"public override {fq} CreateProxy({Infrastructure}.ProxyHandle handle) => new TesseraProxy(handle);");
            w.Line();
            // Named as in the base class: no user name is in scope here.
            using (w.Block($"public override {ValueTask} InvokeAsync({fq} target, uint methodId, {CodecEmitter.EncodedBytes} arguments, {Infrastructure}.InvocationContext context)"))
            {
                using (w.Block("switch (methodId)"))
                {
                    foreach (var method in model.Methods)
                    {
                        w.Line($"case 0x{method.Id:x8}u: return Invoke_{CodecEmitter.Prefix(method)}(target, arguments, context);");
                    }
                    w.Line($"default: throw new {Infrastructure}.UnknownMethodException(TypeName, methodId);");
                }
            }
            foreach (var method in model.Methods)
            {
                w.Line();
                EmitInvokeMethod(w, model, method);
            }
        }
    }

    private static void EmitInvokeMethod(IndentedWriter w, StationaryClassModel model, MethodModel method)
    {
        // Decoded into positional locals: a parameter's own name may be a discard ('_') or clash with the helper's.
        var wired = CodecEmitter.Wired(method).Select((_, index) => "__a" + index).ToList();
        var position = 0;
        var arguments = string.Join(", ", method.Parameters.Select(p => p.IsCancellationToken ? "__context.CancellationToken" : wired[position++]));
        using (w.Block($"private static {(method.IsAsync ? "async " : "")}{ValueTask} Invoke_{CodecEmitter.Prefix(method)}({model.FullyQualifiedName} __target, {CodecEmitter.EncodedBytes} __arguments, {Infrastructure}.InvocationContext __context)"))
        {
            if (wired.Count > 0)
            {
                w.Line($"TesseraCodec.{CodecEmitter.Prefix(method)}_DecodeArguments(__context.Site, __arguments{string.Concat(wired.Select(local => $", out var {local}"))});");
            }
            var invocation = $"__target.{method.Identifier}({arguments})";
            if (method.IsAsync) invocation = $"await {invocation}.ConfigureAwait(false)";
            string encoded;
            if (method.Result is null)
            {
                w.Line(invocation + ";");
                encoded = $"default({CodecEmitter.EncodedBytes})";
            }
            else
            {
                w.Line($"var __result = {invocation};");
                encoded = $"TesseraCodec.{CodecEmitter.Prefix(method)}_EncodeResult(__context.Site, __result)";
            }
            w.Line(method.IsAsync ? $"return {encoded};" : $"return new {ValueTask}({encoded});");
        }
    }
}
