using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tessera.Generators.Model;
using Tessera.Generators.Parsing;

namespace Tessera.Generators.Cached;

/// <summary>
/// Turns a <c>[Cached]</c> class symbol into a <see cref="CachedClassModel"/>. Shapes the generator cannot serve
/// are left out here and reported by Tessera.Analyzers, so the generator never emits code that fails to compile.
/// </summary>
internal static class CachedParser
{
    public static CachedClassModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || !IsSupported(type, context.SemanticModel.Compilation, cancellationToken)) return null;
        cancellationToken.ThrowIfCancellationRequested();

        var fields = CachedRequirements.StateFields(type).ToList();
        // The state's shape joins the fingerprint, so a build with other fields is refused when taking the ticket.
        var shape = "{" + string.Join(";", fields.Select(f => $"{ProxyRequirements.WireName(f.ContainingType)}.{f.Name}:{ProxyRequirements.WireName(f.Type)}")) + "}";
        return new CachedClassModel(
            Parser.ParseClass(type, shape),
            type.InstanceConstructors.Where(CachedRequirements.IsAccessible).Select(Factory).ToEquatableArray(),
            fields.Select(f => new FieldModel(f.Name, f.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), Parser.ValueOf(f.Type, f.ContainingType))).ToEquatableArray());
    }

    public static bool IsSupported(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        => Parser.IsSupported(type, compilation, cancellationToken)
           && CachedRequirements.ForeignBase(type) is null
           && CachedRequirements.DistributedBase(type) is null
           && CachedRequirements.FirstUnsupportedField(type) is null;

    private static FactoryModel Factory(IMethodSymbol constructor)
    {
        var parameters = constructor.Parameters.Select(p => $"{DefaultValues.Attributes(p)}{Parser.RefModifier(p)}{(p.IsParams ? "params " : "")}{p.Type.ToDisplayString(Parser.TypeFormat)} {Parser.Escape(p.Name)}{DefaultValues.Clause(p)}");
        var arguments = constructor.Parameters.Select(p => Parser.RefModifier(p) + Parser.Escape(p.Name));
        var accessibility = constructor.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
        return new FactoryModel(accessibility, string.Join(", ", parameters), string.Join(", ", arguments));
    }
}
