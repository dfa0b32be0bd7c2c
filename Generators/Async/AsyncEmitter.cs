using System.Linq;
using Tessera.Generators.Emitting;
using static Tessera.Generators.Emitting.StationaryEmitter;

namespace Tessera.Generators.Async;

/// <summary>
/// Writes the generated half of an <c>[Async]</c> class: type info, factories, ticket helpers, the async
/// reference type, then the blocking proxy, the invoker and the codec shared with <c>[Stationary]</c>.
/// </summary>
internal static class AsyncEmitter
{
    public static string Emit(AsyncClassModel model) => EmitPartial(model.Core, w =>
    {
        var fq = model.Core.FullyQualifiedName;
        w.Line($"/// <summary>Tessera's generated description of <see cref=\"{model.Core.ClassName}\"/>: identity, proxy and dispatch.</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line($"public static {Infrastructure}.AsyncTypeInfo<{fq}> TesseraType {{ get; }} = new TesseraTypeInfo();");
        w.Line();
        EmitConstructors(w, model.Core);
        w.Line();
        EmitFactories(w, model);
        w.Line();
        EmitTakeHelpers(w);
        w.Line();
        AsyncReferenceEmitter.Emit(w, model);
        w.Line();
        ProxyEmitter.Emit(w, model.Core);
        w.Line();
        InvokerEmitter.Emit(w, model.Core, "AsyncTypeInfo");
        w.Line();
        CodecEmitter.Emit(w, model.Core);
    });

    private static void EmitFactories(IndentedWriter w, AsyncClassModel model)
    {
        var first = true;
        foreach (var factory in model.Factories)
        {
            if (!first) w.Line();
            first = false;
            w.Line($"/// <summary>Creates an active {model.Core.ClassName} on this site and returns the async reference every caller uses, this one included.</summary>");
            w.Line($"{factory.Accessibility} static Ref Create({string.Join(", ", factory.Parameters)}) => new Ref(new {model.Core.FullyQualifiedName}({string.Join(", ", factory.Arguments)}));");
        }
    }

    private static void EmitTakeHelpers(IndentedWriter w)
    {
        w.Line("/// <summary>Takes a ticket: an async reference to the same object (calling it directly when it lives on this site).</summary>");
        w.Line($"public static async global::System.Threading.Tasks.Task<Ref> TakeAsync(global::Tessera.Site site, string ticket, {CancellationToken} cancellationToken = default)");
        w.Line("    => new Ref(await site.TakeAsync(ticket, TesseraType, cancellationToken).ConfigureAwait(false));");
        w.Line();
        w.Line("/// <summary>Takes a ticket, blocking until the issuing site answers or the take times out.</summary>");
        w.Line($"public static Ref Take(global::Tessera.Site site, string ticket, {CancellationToken} cancellationToken = default)");
        w.Line("    => new Ref(site.TakeAsync(ticket, TesseraType, cancellationToken).GetAwaiter().GetResult());");
    }
}
