using Microsoft.CodeAnalysis;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// The distribution attributes of one compilation, resolved once at its start so that the per-symbol
/// checks compare symbols instead of names.
/// </summary>
internal sealed class DistributionAttributes
{
    private readonly INamedTypeSymbol? _stationary;
    private readonly INamedTypeSymbol? _cached;
    private readonly INamedTypeSymbol? _async;

    private DistributionAttributes(Compilation compilation)
    {
        _stationary = compilation.GetTypeByMetadataName(KnownNames.StationaryAttribute);
        _cached = compilation.GetTypeByMetadataName(KnownNames.CachedAttribute);
        _async = compilation.GetTypeByMetadataName(KnownNames.AsyncAttribute);
    }

    /// <summary>Null when the compilation does not reference the Tessera runtime, so the analyzers do nothing.</summary>
    public static DistributionAttributes? For(Compilation compilation)
    {
        var attributes = new DistributionAttributes(compilation);
        return attributes._stationary is null && attributes._cached is null && attributes._async is null ? null : attributes;
    }

    /// <summary>The first distribution attribute on <paramref name="type"/>, in declaration order.</summary>
    public DistributionKind? KindOf(ITypeSymbol? type)
    {
        if (type is null || type.TypeKind != TypeKind.Class) return null;
        foreach (var attribute in type.GetAttributes())
        {
            if (KindOfAttribute(attribute.AttributeClass) is { } kind) return kind;
        }
        return null;
    }

    /// <summary>How many distribution attributes <paramref name="type"/> carries; more than one is TESS0011.</summary>
    public int CountOn(ITypeSymbol type)
    {
        var count = 0;
        foreach (var attribute in type.GetAttributes())
        {
            if (KindOfAttribute(attribute.AttributeClass) is not null) count++;
        }
        return count;
    }

    public bool IsDistributed(ITypeSymbol? type) => KindOf(type) is not null;

    /// <summary>
    /// The <c>[Async]</c> class whose generated async reference <paramref name="type"/> is (<c>X.Ref</c>), or null;
    /// the generator's <c>Parser.ValueOf</c> recognizes it the same way.
    /// </summary>
    public INamedTypeSymbol? AsyncReferenceOwner(ITypeSymbol? type)
        => type is INamedTypeSymbol { Name: "Ref", ContainingType: { } owner } && KindOf(owner) == DistributionKind.Async ? owner : null;

    private DistributionKind? KindOfAttribute(INamedTypeSymbol? attributeClass)
    {
        if (attributeClass is null) return null;
        if (SymbolEqualityComparer.Default.Equals(attributeClass, _stationary)) return DistributionKind.Stationary;
        if (SymbolEqualityComparer.Default.Equals(attributeClass, _cached)) return DistributionKind.Cached;
        if (SymbolEqualityComparer.Default.Equals(attributeClass, _async)) return DistributionKind.Async;
        return null;
    }
}
