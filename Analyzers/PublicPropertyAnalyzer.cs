using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// Reports public instance properties and indexers (TESS0007): this version forwards only methods, so on a
/// remote reference a property would read or write the proxy's own, empty state, and on a [Cached] object
/// it would not wait for the state.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PublicPropertyAnalyzer : DistributedSymbolAnalyzer
{
    public PublicPropertyAnalyzer() : base(SymbolKind.Property) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.PublicProperty);

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var property = (IPropertySymbol)context.Symbol;
        // As for TESS0005: in a sealed class the suggested virtual method is impossible and TESS0006 says why.
        if (property.DeclaredAccessibility != Accessibility.Public
            || property.IsStatic
            || property.ContainingType.IsSealed
            || attributes.KindOf(property.ContainingType) is not { } kind) return;

        var what = property.IsIndexer ? "indexer" : "property";
        var name = property.IsIndexer ? DistributedSymbols.NameOf(property.ContainingType) + ".this[]" : DistributedSymbols.NameOf(property);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PublicProperty, property.Locations[0], what, name, NonVirtualMethodAnalyzer.Consequence(kind, "reading it"), Replacement(property)));
    }

    /// <summary>Names the methods to write instead, one per publicly reachable accessor.</summary>
    private static string Replacement(IPropertySymbol property)
    {
        var stem = property.IsIndexer ? "Item" : property.Name;
        var indices = string.Join(", ", property.Parameters.Select(p => p.Name));
        var methods = new System.Collections.Generic.List<string>();
        if (IsPublic(property.GetMethod)) methods.Add($"'Get{stem}({indices})'");
        if (IsPublic(property.SetMethod)) methods.Add($"'Set{stem}({(indices.Length > 0 ? indices + ", " : "")}value)'");
        return methods.Count == 1
            ? "a virtual method such as " + methods[0]
            : "virtual methods such as " + string.Join(" and ", methods);
    }

    private static bool IsPublic(IMethodSymbol? accessor) => accessor is { DeclaredAccessibility: Accessibility.Public };
}
