using System.Linq;
using Tessera.Generators.Emitting;
using Tessera.Generators.Model;
using static Tessera.Generators.Emitting.StationaryEmitter;

namespace Tessera.Generators.Cached;

/// <summary>
/// Writes the sealed subclass every instance of a <c>[Cached]</c> class is made as, on its home site and on
/// every other: each remotable method waits for the state to be here and the object free, then runs the
/// user's own method locally.
/// </summary>
internal static class ManagedEmitter
{
    private const string State = "global::Tessera.Protocols.Migratory.MigratoryProxy";

    public static void Emit(IndentedWriter w, CachedClassModel model)
    {
        var fq = model.Class.FullyQualifiedName;
        using (w.Block($"private sealed class TesseraManaged : {fq}, {Infrastructure}.ICachedObject"))
        {
            w.Line($"private readonly {State} __tesseraState;");
            foreach (var factory in model.Factories)
            {
                w.Line();
                w.Line($"public TesseraManaged({factory.Parameters}) : base({factory.Arguments}) => __tesseraState = TesseraType.ForHome(this);");
            }
            w.Line();
            w.Line(SetsRequiredMembers);
            w.Line($"public TesseraManaged({Infrastructure}.ProxyHandle handle) : base(handle) => __tesseraState = TesseraType.ForImport(this, handle);");
            w.Line();
            w.Line($"{State} {Infrastructure}.ICachedObject.TesseraState => __tesseraState;");
            foreach (var method in model.Class.Methods)
            {
                w.Line();
                EmitMethod(w, method);
            }
        }
    }

    private static void EmitMethod(IndentedWriter w, MethodModel method)
    {
        var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Value.Type} {p.Name}"));
        var token = method.Parameters.FirstOrDefault(p => p.IsCancellationToken)?.Name ?? "default";
        var call = $"base.{method.Identifier}({string.Join(", ", method.Parameters.Select(p => p.Name))})";
        string run, enter;
        if (method.IsAsync)
        {
            call = $"await {call}.ConfigureAwait(false)";
            enter = $"await __tesseraState.EnterAsync({token}).ConfigureAwait(false);";
        }
        else
        {
            enter = $"__tesseraState.Enter({token});";
        }
        run = method.Result is null ? call + ";" : $"return {call};";
        using (w.Block($"public override {(method.IsAsync ? "async " : "")}{method.DeclaredReturnType} {method.Identifier}({parameters})"))
        {
            w.Line("// Null only while the user's constructor runs: the object is not shared yet, so the call runs plainly.");
            using (w.Block("if (__tesseraState is null)"))
            {
                w.Line(run);
                if (method.Result is null) w.Line("return;");
            }
            w.Line(enter);
            using (w.Block("try"))
            {
                w.Line(run);
            }
            using (w.Block("finally"))
            {
                w.Line("__tesseraState.Exit();");
            }
        }
    }
}
