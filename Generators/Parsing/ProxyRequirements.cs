using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tessera.Generators.Parsing;

/// <summary>
/// What the generated proxy needs from a class and its methods. Tessera.Analyzers compiles this file too,
/// so its rules judge exactly what the generator serves: TESS0008 reports each check <see cref="Allows"/> makes.
/// </summary>
internal static class ProxyRequirements
{
    private static bool IsAsync(ITypeSymbol type)
        => type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.AsyncAttribute);

    public static bool IsStationary(ITypeSymbol type)
        => type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.StationaryAttribute);

    /// <summary>
    /// Whether values of the type travel as references: any class with a distribution attribute,
    /// each of which generates a <c>TesseraType</c> deriving from <c>DistributedTypeInfo&lt;T&gt;</c>.
    /// </summary>
    public static bool IsDistributed(ITypeSymbol type)
        => type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is KnownNames.StationaryAttribute or KnownNames.CachedAttribute or KnownNames.AsyncAttribute);

    /// <summary>Whether a proxy can be generated, as far as TESS0008 is concerned (other rules cover the rest).</summary>
    public static bool Allows(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        => !type.IsRecord
           && FileLocal(type) is null
           && PrimaryConstructor(type, cancellationToken) is null
           && DistributedBase(type) is null
           && BaseWithoutParameterlessConstructor(type, compilation) is null
           && RequiredMemberFactoriesCannotSet(type) is null
           && !HasNoConstructorForFactories(type)
           && CollidingMethods(type) is null;

    /// <summary>
    /// An <c>[Async]</c> or <c>[Cached]</c> class whose constructors are all private or protected: the generated
    /// <c>Create</c> factories, the only way to make one, would have none to call.
    /// </summary>
    public static bool HasNoConstructorForFactories(INamedTypeSymbol type)
        => !IsStationary(type)
           && type.InstanceConstructors.All(c => c.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal));

    /// <summary>
    /// The class itself or a type containing it, if declared <c>file</c>: the generated part lives in another file,
    /// where it would declare a second, unrelated class.
    /// </summary>
    public static INamedTypeSymbol? FileLocal(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal) return current;
        }
        return null;
    }

    /// <summary>
    /// A <c>required</c> member of an <c>[Async]</c> or <c>[Cached]</c> class (or of a base), which the generated
    /// <c>Create</c> factories could not set. A <c>[Stationary]</c> class is made with <c>new</c>, by its caller, who sets them.
    /// </summary>
    public static ISymbol? RequiredMemberFactoriesCannotSet(INamedTypeSymbol type)
    {
        if (IsStationary(type)) return null;
        // An [Async] factory calls the constructor itself, so constructors that set the required members serve it.
        if (IsAsync(type) && type.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared).ToList() is { Count: > 0 } declared
            && declared.All(c => c.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute")))
            return null;
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }) return member;
            }
        }
        return null;
    }

    /// <summary>
    /// The declaration carrying a primary constructor, if any: every other constructor, the proxy's one
    /// included, would have to pass it arguments that the generator has no way to choose.
    /// </summary>
    public static TypeDeclarationSyntax? PrimaryConstructor(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.InstanceConstructors
            .SelectMany(c => c.DeclaringSyntaxReferences)
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<TypeDeclarationSyntax>()
            .FirstOrDefault();

    /// <summary>A distributed ancestor, whose generated members (<c>TesseraType</c>, <c>Create</c>, <c>Offer</c>…) the class's own would clash with.</summary>
    public static INamedTypeSymbol? DistributedBase(INamedTypeSymbol type)
    {
        for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (IsDistributed(ancestor)) return ancestor;
        }
        return null;
    }

    /// <summary>
    /// The base class, when the generated constructors (which skip all user logic) could not call it
    /// with an empty argument list.
    /// </summary>
    public static INamedTypeSymbol? BaseWithoutParameterlessConstructor(INamedTypeSymbol type, Compilation compilation)
    {
        var baseType = type.BaseType;
        if (baseType is null || baseType.SpecialType == SpecialType.System_Object || baseType.TypeKind == TypeKind.Error) return null;
        var callable = baseType.InstanceConstructors.Any(c =>
            c.Parameters.All(p => p.IsOptional || p.IsParams) && compilation.IsSymbolAccessibleWithin(c, type));
        return callable ? null : baseType;
    }

    /// <summary>Two remotable methods whose ids collide, which would make the dispatch switch ambiguous.</summary>
    public static (IMethodSymbol First, IMethodSymbol Second)? CollidingMethods(INamedTypeSymbol type)
    {
        var seen = new Dictionary<uint, IMethodSymbol>();
        foreach (var method in RemotableMethods(type))
        {
            var id = MethodId(method);
            if (seen.TryGetValue(id, out var first)) return (first, method);
            seen.Add(id, method);
        }
        return null;
    }

    public static IEnumerable<IMethodSymbol> RemotableMethods(INamedTypeSymbol type)
        => type.GetMembers().OfType<IMethodSymbol>().Where(IsRemotable);

    /// <summary>The methods a proxy overrides and forwards to the home site.</summary>
    public static bool IsRemotable(IMethodSymbol method)
        => method.MethodKind == MethodKind.Ordinary
           && method.DeclaredAccessibility == Accessibility.Public
           && !method.IsStatic
           && (method.IsVirtual || method.IsOverride || method.IsAbstract)
           && !method.IsSealed
           && !OverridesObject(method);

    /// <summary>
    /// Whether the method overrides ToString, Equals or GetHashCode: those describe the reference itself
    /// (hashing, display) and must keep running locally.
    /// </summary>
    public static bool OverridesObject(IMethodSymbol method)
    {
        if (method.OverriddenMethod is not { } root) return false;
        while (root.OverriddenMethod is { } overridden) root = overridden;
        return root.ContainingType.SpecialType == SpecialType.System_Object;
    }

    /// <summary>A hash of the name and parameter types, so reordering declarations changes nothing.</summary>
    public static uint MethodId(IMethodSymbol method)
        => StableHash.Hash32(method.Name + "(" + string.Join(",", method.Parameters.Select(p => WireName(p.Type))) + ")");

    /// <summary>
    /// A type as the wire sees it: fully qualified, without nullable reference annotations, which change
    /// no byte that travels.
    /// </summary>
    public static string WireName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
