using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// Which types a remote call can carry. Distributed objects travel as references and Dataflow variables as
/// variables, but only as a whole parameter or result: the generated codec writes everything else, nested
/// values included, with MemoryPack, which fails at run time for a type it has no formatter for.
/// The list follows MemoryPack 1.21's built-in formatters (its README, "Built-in supported types").
/// </summary>
internal static class WireTypes
{
    private static readonly ImmutableHashSet<string> KnownTypes = ImmutableHashSet.Create(
        "System.String", "System.Decimal", "System.Half", "System.Int128", "System.UInt128", "System.Guid", "System.Text.Rune",
        "System.Numerics.BigInteger", "System.TimeSpan", "System.DateTime", "System.DateTimeOffset", "System.TimeOnly", "System.DateOnly",
        "System.TimeZoneInfo", "System.Numerics.Complex", "System.Uri", "System.Version", "System.Text.StringBuilder", "System.Type",
        "System.Collections.BitArray");

    /// <summary>Generic types whose formatter MemoryPack builds from their type arguments' ones.</summary>
    private static readonly ImmutableHashSet<string> KnownGenerics = ImmutableHashSet.Create(
        "System.Nullable`1", "System.Lazy`1", "System.Collections.Generic.KeyValuePair`2", "System.Memory`1", "System.ReadOnlyMemory`1",
        "System.ArraySegment`1", "System.Buffers.ReadOnlySequence`1",
        "System.Collections.Generic.List`1", "System.Collections.Generic.LinkedList`1", "System.Collections.Generic.Queue`1",
        "System.Collections.Generic.Stack`1", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.SortedSet`1",
        "System.Collections.Generic.PriorityQueue`2", "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.SortedList`2",
        "System.Collections.Generic.SortedDictionary`2", "System.Collections.ObjectModel.ReadOnlyDictionary`2",
        "System.Collections.ObjectModel.Collection`1", "System.Collections.ObjectModel.ReadOnlyCollection`1",
        "System.Collections.ObjectModel.ObservableCollection`1", "System.Collections.ObjectModel.ReadOnlyObservableCollection`1",
        "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.ICollection`1", "System.Collections.Generic.IList`1",
        "System.Collections.Generic.IReadOnlyCollection`1", "System.Collections.Generic.IReadOnlyList`1", "System.Collections.Generic.ISet`1",
        "System.Collections.Generic.IDictionary`2", "System.Collections.Generic.IReadOnlyDictionary`2", "System.Linq.ILookup`2",
        "System.Linq.IGrouping`2", "System.Collections.Concurrent.ConcurrentBag`1", "System.Collections.Concurrent.ConcurrentQueue`1",
        "System.Collections.Concurrent.ConcurrentStack`1", "System.Collections.Concurrent.ConcurrentDictionary`2",
        "System.Collections.Concurrent.BlockingCollection`1");

    private const string MemoryPackable = "MemoryPack.MemoryPackableAttribute";
    private const string ImmutableNamespace = "System.Collections.Immutable";

    /// <summary>Why <paramref name="type"/>, as a whole parameter or result, cannot travel; null when it can.</summary>
    public static string? Problem(ITypeSymbol type, DistributionAttributes attributes)
    {
        // The common case first, before any name is formatted.
        if (type.SpecialType is >= SpecialType.System_Boolean and <= SpecialType.System_String) return null;
        if (attributes.IsDistributed(type) || attributes.AsyncReferenceOwner(type) is not null) return null;
        if (type is INamedTypeSymbol named && IsDataflow(named) is var (isDataflow, element) && isDataflow)
            return element is null || attributes.IsDistributed(element) ? null : Nested(element, attributes, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));
        return Nested(type, attributes, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));
    }

    /// <summary>Whether the type is Tessera's Dataflow or Dataflow&lt;T&gt;, and its element type.</summary>
    public static (bool IsDataflow, ITypeSymbol? Element) IsDataflow(INamedTypeSymbol type)
    {
        if (type.Name != "Dataflow") return (false, null);
        var name = type.ConstructedFrom.ToDisplayString();
        if (name == KnownNames.Dataflow) return (true, null);
        return name == KnownNames.DataflowOfT ? (true, type.TypeArguments[0]) : (false, null);
    }

    private static string? Nested(ITypeSymbol type, DistributionAttributes attributes, HashSet<ITypeSymbol> seen)
    {
        if (!seen.Add(type)) return null;
        if (type.SpecialType is >= SpecialType.System_Boolean and <= SpecialType.System_String) return null;
        if (type.IsUnmanagedType || type.TypeKind == TypeKind.Enum) return null;
        if (type.TypeKind == TypeKind.Error) return null;
        if (attributes.IsDistributed(type) || attributes.AsyncReferenceOwner(type) is not null)
            return $"{(attributes.IsDistributed(type) ? "distributed class" : "async reference")} '{Name(type)}' travels as a reference only as a whole parameter or result, never inside another value";
        switch (type)
        {
            case IArrayTypeSymbol array:
                return Nested(array.ElementType, attributes, seen);
            case ITypeParameterSymbol:
                return $"type parameter '{Name(type)}' has no encoding known when the call is compiled";
            case INamedTypeSymbol named:
                if (IsDataflow(named).IsDataflow) return $"'{Name(type)}' travels as a variable only as a whole parameter or result, never inside another value";
                if (type.SpecialType == SpecialType.System_Object) return "MemoryPack cannot encode 'object' without knowing the concrete type";
                if (type.TypeKind == TypeKind.Delegate) return $"delegate '{Name(type)}' is code, which never travels";
                if (KnownTypes.Contains(MetadataName(named)) || HasMemoryPackable(named)) return null;
                if (named.IsGenericType && (KnownGenerics.Contains(MetadataName(named.ConstructedFrom)) || IsImmutableCollection(named) || IsTuple(named)))
                {
                    foreach (var argument in named.TypeArguments)
                    {
                        if (Nested(argument, attributes, seen) is { } problem) return problem;
                    }
                    return null;
                }
                return $"'{Name(type)}' has no MemoryPack formatter: it is neither a type MemoryPack knows nor marked [MemoryPackable]";
            default:
                return $"'{Name(type)}' has no MemoryPack formatter";
        }
    }

    private static string Name(ITypeSymbol type) => DistributedSymbols.NameOf(type);

    internal static bool HasMemoryPackable(INamedTypeSymbol type)
        => type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == MemoryPackable);

    private static bool IsImmutableCollection(INamedTypeSymbol type)
        => type.ContainingNamespace?.ToDisplayString() == ImmutableNamespace;

    private static bool IsTuple(INamedTypeSymbol type)
        => type.IsTupleType || MetadataName(type.ConstructedFrom).StartsWith("System.Tuple`", System.StringComparison.Ordinal);

    internal static string MetadataName(INamedTypeSymbol type)
        => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;
}
