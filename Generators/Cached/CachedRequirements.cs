using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Tessera.Generators.Parsing;

namespace Tessera.Generators.Cached;

/// <summary>
/// What moving a <c>[Cached]</c> object's state needs from its class. Tessera.Analyzers compiles this file
/// too, so its rules report exactly the shapes the generator refuses.
/// </summary>
internal static class CachedRequirements
{
    /// <summary>
    /// Every instance field of the class and of its base classes, base-most last. Base classes must be in
    /// source (<see cref="ForeignBase"/>): only there can the generator see private fields.
    /// </summary>
    public static IEnumerable<IFieldSymbol> StateFields(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var field in current.GetMembers().OfType<IFieldSymbol>())
            {
                if (!field.IsStatic && !field.IsConst) yield return field;
            }
        }
    }

    /// <summary>
    /// A base class from another assembly: its private fields are invisible here, so they could not move
    /// with the state, and a state that moves only in part is worse than an error.
    /// </summary>
    public static INamedTypeSymbol? ForeignBase(INamedTypeSymbol type)
    {
        for (var ancestor = type.BaseType; ancestor is not null && ancestor.SpecialType != SpecialType.System_Object; ancestor = ancestor.BaseType)
        {
            if (ancestor.DeclaringSyntaxReferences.IsEmpty) return ancestor;
        }
        return null;
    }

    /// <summary>A distributed ancestor, whose generated members the class's own would clash with.</summary>
    public static INamedTypeSymbol? DistributedBase(INamedTypeSymbol type)
    {
        for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (ProxyRequirements.IsDistributed(ancestor)) return ancestor;
        }
        return null;
    }

    /// <summary>Why a field cannot travel with the state, or null if it can.</summary>
    public static string? UnsupportedField(IFieldSymbol field)
    {
        if (field.IsVolatile) return "is volatile, which generated code cannot reach by reference";
        var type = field.Type;
        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol) return "is a pointer, which means nothing on another site";
        if (type.TypeKind == TypeKind.Delegate) return "is a delegate (or a field-like event), and code never travels";
        if (type.SpecialType == SpecialType.System_Object || type.TypeKind == TypeKind.Dynamic) return $"has type '{type.ToDisplayString()}', which MemoryPack cannot encode without knowing the concrete type";
        return null;
    }

    /// <summary>The first field that cannot travel, with the reason.</summary>
    public static (IFieldSymbol Field, string Reason)? FirstUnsupportedField(INamedTypeSymbol type)
        => StateFields(type).Select(f => (Field: f, Reason: UnsupportedField(f))).Where(f => f.Reason is not null).Select(f => ((IFieldSymbol, string)?)(f.Field, f.Reason!)).FirstOrDefault();

    /// <summary>Constructors a factory is generated for: those code outside the class could call.</summary>
    public static bool IsAccessible(IMethodSymbol constructor)
        => constructor.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;
}
