using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Tessera.Generators.Cached;

namespace Tessera.Analyzers;

/// <summary>
/// The members each generator adds to the user's partial class (see StationaryEmitter, CachedEmitter,
/// AsyncEmitter), for TESS0014. Generated names starting with two underscores are left out: C# reserves them.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>Nested types and properties: any user member with one of these names collides.</summary>
    private static readonly ImmutableDictionary<DistributionKind, ImmutableArray<string>> NonMethods = new Dictionary<DistributionKind, ImmutableArray<string>>
    {
        [DistributionKind.Stationary] = ImmutableArray.Create("TesseraType", "TesseraTypeInfo", "TesseraProxy", "TesseraCodec"),
        [DistributionKind.Cached] = ImmutableArray.Create("TesseraType", "TesseraTypeInfo", "TesseraManaged"),
        [DistributionKind.Async] = ImmutableArray.Create("TesseraType", "TesseraTypeInfo", "TesseraProxy", "TesseraCodec", "Ref"),
    }.ToImmutableDictionary();

    private static readonly ImmutableArray<string> TicketHelpers = ImmutableArray.Create("Offer", "OfferUnlimited", "TakeAsync", "Take");
    private static readonly ImmutableArray<string> TakeHelpers = ImmutableArray.Create("TakeAsync", "Take");

    /// <summary>The generated member <paramref name="member"/> collides with, and whether by name or by signature; null when none.</summary>
    public static (string Generated, string By)? Collision(ISymbol member, DistributionKind kind)
        => Collision(member, kind, member.ContainingType);

    /// <summary>As <see cref="Collision(ISymbol, DistributionKind)"/>, for a member of <paramref name="type"/> or one it inherits.</summary>
    public static (string Generated, string By)? Collision(ISymbol member, DistributionKind kind, INamedTypeSymbol type)
    {
        var name = member.Name;
        if (NonMethods[kind].Contains(name)) return (name, "name");
        var methods = MethodNames(kind);
        if (!methods.Contains(name)) return null;
        if (member is not IMethodSymbol method) return (name, "name");
        return GeneratedSignatures(type, kind, name).Any(parameters => SameParameters(method, parameters))
            ? ($"{name}({string.Join(", ", method.Parameters.Select(p => DistributedSymbols.NameOf(p.Type)))})", "signature")
            : null;
    }

    private static IEnumerable<string> MethodNames(DistributionKind kind) => kind switch
    {
        DistributionKind.Stationary => TicketHelpers,
        DistributionKind.Cached => TicketHelpers.Add("Create"),
        _ => TakeHelpers.Add("Create"),
    };

    /// <summary>The parameter type lists of the generated overloads of <paramref name="name"/>, by metadata name or constructor.</summary>
    private static IEnumerable<IReadOnlyList<object>> GeneratedSignatures(INamedTypeSymbol type, DistributionKind kind, string name)
    {
        switch (name)
        {
            case "Offer":
            case "OfferUnlimited":
                yield return new object[] { "Tessera.Site" };
                break;
            case "Take":
            case "TakeAsync":
                yield return new object[] { "Tessera.Site", "System.String", "System.Threading.CancellationToken" };
                break;
            default:
                foreach (var constructor in FactoryConstructors(type, kind))
                    yield return constructor.Parameters.Select(p => (object)p.Type).ToArray();
                break;
        }
    }

    /// <summary>The constructors a Create factory is generated for, as CachedParser and AsyncParser choose them.</summary>
    private static IEnumerable<IMethodSymbol> FactoryConstructors(INamedTypeSymbol type, DistributionKind kind)
    {
        if (kind == DistributionKind.Cached) return type.InstanceConstructors.Where(CachedRequirements.IsAccessible);
        if (type.InstanceConstructors.All(c => c.IsImplicitlyDeclared)) return type.InstanceConstructors;
        return type.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared && CachedRequirements.IsAccessible(c));
    }

    private static bool SameParameters(IMethodSymbol method, IReadOnlyList<object> generated)
    {
        if (method.Parameters.Length != generated.Count) return false;
        for (var i = 0; i < generated.Count; i++)
        {
            var type = method.Parameters[i].Type;
            var same = generated[i] is ITypeSymbol symbol
                ? SymbolEqualityComparer.Default.Equals(type, symbol)
                : type.ToDisplayString() == (string)generated[i];
            if (!same) return false;
        }
        return true;
    }
}
