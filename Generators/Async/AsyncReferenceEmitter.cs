using System.Linq;
using Tessera.Generators.Emitting;
using Tessera.Generators.Model;

namespace Tessera.Generators.Async;

/// <summary>
/// Writes <c>T.Ref</c>, the async reference: one method per remotable method, returning the reply variable
/// at once. Each runs through the object's executor here when the object is local, or is one message home.
/// </summary>
internal static class AsyncReferenceEmitter
{
    private const string Dataflow = "global::Tessera.Dataflow";

    public static void Emit(IndentedWriter w, AsyncClassModel model)
    {
        var fq = model.Core.FullyQualifiedName;
        w.Line($"/// <summary>An async reference to a {model.Core.ClassName}: calls return a <see cref=\"global::Tessera.Dataflow{{T}}\"/> at once and run one at a time, in order, at the object's home.</summary>");
        using (w.Block($"public sealed class Ref : global::Tessera.Infrastructure.AsyncReference<{fq}>"))
        {
            w.Line("/// <summary>An async reference to <paramref name=\"target\"/>, which may itself be a remote reference.</summary>");
            w.Line($"public Ref({fq} target) : base(target, TesseraType) {{ }}");
            foreach (var method in model.Core.Methods)
            {
                w.Line();
                EmitMethod(w, method, model.OneWayMethods.Contains(method.Id));
            }
        }
    }

    private static void EmitMethod(IndentedWriter w, MethodModel method, bool oneWay)
    {
        // As the class declares them, so a call reads the same on the reference as on the object.
        var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Modifiers}{p.Value.Type} {p.Name}{p.Default}"));
        var token = method.Parameters.FirstOrDefault(p => p.IsCancellationToken)?.Name ?? "default";
        var lambda = $"{(method.Parameters.Count == 0 ? "static " : "")}__target => __target.{method.Identifier}({string.Join(", ", method.Parameters.Select(p => p.Name))})";
        if (method.Shape is ReturnShape.ValueTask or ReturnShape.ValueTaskOfT) lambda += ".AsTask()";
        var wired = CodecEmitter.Wired(method).ToList();
        var arguments = wired.Count == 0
            ? $"default({CodecEmitter.EncodedBytes})"
            : $"TesseraCodec.{CodecEmitter.Prefix(method)}_EncodeArguments(__Site{string.Concat(wired.Select(p => ", " + p.Name))})";
        var id = $"0x{method.Id:x8}u";

        if (oneWay)
        {
            using (w.Block($"public void {method.Identifier}({parameters})"))
            {
                w.Line($"if (__IsLocal) {LocalCall(method, "__LocalSend", lambda, token)};");
                w.Line($"else __RemoteSend({id}, {arguments}, {token});");
            }
            EmitLocalHelper(w, method, "void", "__LocalSend", lambda, token);
            return;
        }

        var (returnType, local, remote) = method.Shape switch
        {
            ReturnShape.Void => (Dataflow, "__LocalVoid", $"__RemoteVoid({id}, {arguments}, {token})"),
            ReturnShape.Task or ReturnShape.ValueTask => (Dataflow, "__LocalVoidAsync", $"__RemoteVoid({id}, {arguments}, {token})"),
            ReturnShape.Value => ($"{Dataflow}<{method.Result!.Type}>", "__Local", Remote(method, id, arguments, token)),
            _ => ($"{Dataflow}<{method.Result!.Type}>", "__LocalAsync", Remote(method, id, arguments, token)),
        };
        w.Line($"public {returnType} {method.Identifier}({parameters})");
        w.Line($"    => __IsLocal ? {LocalCall(method, local, lambda, token)} : {remote};");
        EmitLocalHelper(w, method, returnType, local, lambda, token);
    }

    /// <summary>
    /// The local path's call. A lambda that captures the parameters gets a method of its own: C# makes a
    /// closure at the start of the method whose parameters it captures, which the remote path would pay for too.
    /// </summary>
    private static string LocalCall(MethodModel method, string local, string lambda, string token)
        => method.Parameters.Count == 0
            ? $"{local}({lambda}, {token})"
            : $"{LocalHelperName(method)}({string.Join(", ", method.Parameters.Select(p => p.Name))})";

    private static void EmitLocalHelper(IndentedWriter w, MethodModel method, string returnType, string local, string lambda, string token)
    {
        if (method.Parameters.Count == 0) return;
        var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Value.Type} {p.Name}"));
        w.Line();
        w.Line($"private {returnType} {LocalHelperName(method)}({parameters})");
        w.Line($"    => {local}({lambda}, {token});");
    }

    private static string LocalHelperName(MethodModel method) => $"__Local_{CodecEmitter.Prefix(method)}";

    private static string Remote(MethodModel method, string id, string arguments, string token)
        => $"__Remote({id}, {arguments}, TesseraCodec.{CodecEmitter.Prefix(method)}_DecodeResult, {token})";
}
