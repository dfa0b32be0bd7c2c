using Tessera.Generators.Emitting;
using static Tessera.Generators.Emitting.StationaryEmitter;

namespace Tessera.Generators.Cached;

/// <summary>
/// Writes the generated half of a <c>[Cached]</c> class: type info, constructors, factories, ticket helpers,
/// then the managed subclass and the state codec. Generated names start with two underscores, as for
/// <c>[Stationary]</c>, so no user name can clash with them.
/// </summary>
internal static class CachedEmitter
{
    public static string Emit(CachedClassModel model) => EmitPartial(model.Class, w =>
    {
        EmitTypeInfoAccessor(w, model);
        w.Line();
        EmitConstructors(w, model.Class);
        w.Line();
        EmitFactories(w, model);
        EmitTicketHelpers(w, model.Class);
        w.Line();
        ManagedEmitter.Emit(w, model);
        w.Line();
        StateCodecEmitter.Emit(w, model);
    });

    private static void EmitTypeInfoAccessor(IndentedWriter w, CachedClassModel model)
    {
        w.Line($"/// <summary>Tessera's generated description of <see cref=\"{model.Class.ClassName}\"/>: identity, proxy and state codec.</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line($"public static {Infrastructure}.CachedTypeInfo<{model.Class.FullyQualifiedName}> TesseraType {{ get; }} = new TesseraTypeInfo();");
    }

    /// <summary>
    /// One factory per constructor code outside the class can call. Instances must come from here: the state
    /// moves between sites, so the creator's own reference must be the managed subclass too.
    /// </summary>
    private static void EmitFactories(IndentedWriter w, CachedClassModel model)
    {
        foreach (var factory in model.Factories)
        {
            w.Line($"/// <summary>Creates a <see cref=\"{model.Class.ClassName}\"/> whose state can move to the sites that call it.</summary>");
            w.Line($"{factory.Accessibility} static {model.Class.FullyQualifiedName} Create({factory.Parameters}) => new TesseraManaged({factory.Arguments});");
            w.Line();
        }
    }
}
