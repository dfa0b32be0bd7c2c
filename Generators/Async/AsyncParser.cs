using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Tessera.Generators.Cached;
using Tessera.Generators.Model;
using Tessera.Generators.Parsing;

namespace Tessera.Generators.Async;

/// <summary>
/// Turns an <c>[Async]</c> class into an <see cref="AsyncClassModel"/>. The remotable methods and their
/// codecs are exactly those of a <c>[Stationary]</c> class, so the shared <see cref="Parser"/> reads them.
/// </summary>
internal static class AsyncParser
{
    public static AsyncClassModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var core = Parser.Parse(context, cancellationToken);
        if (core is null || context.TargetSymbol is not INamedTypeSymbol type) return null;

        var oneWay = ProxyRequirements.RemotableMethods(type)
            .Where(m => IsOneWay(m) && Parser.Unsupported(m) is null)
            .Select(ProxyRequirements.MethodId)
            .OrderBy(id => id)
            .ToEquatableArray();

        var factories = core.HasOnlyImplicitConstructor
            ? new[] { new AsyncFactoryModel("public", EquatableArray<string>.Empty, EquatableArray<string>.Empty) }.ToEquatableArray()
            : type.InstanceConstructors
                .Where(c => !c.IsImplicitlyDeclared && CachedRequirements.IsAccessible(c))
                .Select(Factory)
                .ToEquatableArray();
        return new AsyncClassModel(core, oneWay, factories);
    }

    /// <summary>Only a <c>void</c> method can be one-way: anything else has a result somebody waits for (TESS0016 reports misuse).</summary>
    public static bool IsOneWay(IMethodSymbol method)
        => method.ReturnsVoid && method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.OneWayAttribute);

    private static AsyncFactoryModel Factory(IMethodSymbol constructor)
    {
        var parameters = constructor.Parameters.Select(p =>
            DefaultValues.Attributes(p) + Parser.RefModifier(p) + (p.IsParams ? "params " : "") + p.Type.ToDisplayString(Parser.TypeFormat) + " " + Parser.Escape(p.Name) + DefaultValues.Clause(p));
        return new AsyncFactoryModel(
            constructor.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            parameters.ToEquatableArray(),
            constructor.Parameters.Select(p => Parser.RefModifier(p) + Parser.Escape(p.Name)).ToEquatableArray());
    }
}
