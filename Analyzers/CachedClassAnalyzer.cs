using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Cached;

namespace Tessera.Analyzers;

/// <summary>
/// <c>[Cached]</c> classes: state the generator cannot move (TESS0009), judged by the generator's own
/// <see cref="CachedRequirements"/>, and state fields MemoryPack cannot encode (TESS0012), which the
/// generator does move, so they fail only when the state first leaves this site.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CachedClassAnalyzer : DistributedSymbolAnalyzer
{
    public CachedClassAnalyzer() : base(SymbolKind.NamedType) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.CachedStateCannotMove,
        DiagnosticDescriptors.NotSerializable);

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (attributes.KindOf(type) != DistributionKind.Cached) return;
        ReportCannotMove(context, type);
        ReportNotSerializable(context, type, attributes);
    }

    private static void ReportCannotMove(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var name = DistributedSymbols.NameOf(type);
        Location? location;
        string why, fix;
        if (CachedRequirements.ForeignBase(type) is { } foreign)
        {
            location = DistributedSymbols.IdentifierWhere(type, d => d.BaseList is not null, context.CancellationToken);
            why = $"it derives from '{DistributedSymbols.NameOf(foreign)}', which is declared in another assembly whose private fields the generator cannot see, so they would not move with the rest";
            fix = "derive from a class declared in this project, or hold the other class's instance in a field instead of deriving from it";
        }
        else if (CachedRequirements.DistributedBase(type) is { } distributed)
        {
            location = DistributedSymbols.IdentifierWhere(type, d => d.BaseList is not null, context.CancellationToken);
            why = $"it derives from distributed class '{DistributedSymbols.NameOf(distributed)}', and deriving one distributed class from another is not supported yet";
            fix = "keep the distribution attribute on one class of the hierarchy only";
        }
        else if (CachedRequirements.FirstUnsupportedField(type) is var (field, reason))
        {
            // A backing field has no location of its own: point at the property or event it serves.
            location = (field.AssociatedSymbol ?? field).Locations.FirstOrDefault(l => l.IsInSource);
            why = $"field '{(field.AssociatedSymbol ?? field).Name}' {reason}";
            fix = "keep only data that can be copied in the state (make it static, or store something MemoryPack can encode)";
        }
        else
        {
            return;
        }
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CachedStateCannotMove, location, name, why, fix));
    }

    private static void ReportNotSerializable(SymbolAnalysisContext context, INamedTypeSymbol type, DistributionAttributes attributes)
    {
        foreach (var field in CachedRequirements.StateFields(type))
        {
            // Pointers, delegates and object are TESS0009's: the generator refuses those outright.
            if (CachedRequirements.UnsupportedField(field) is not null || WireTypes.Problem(field.Type, attributes) is not { } why) continue;
            var shown = field.AssociatedSymbol ?? field;
            if (shown.Locations.FirstOrDefault(l => l.IsInSource) is not { } location) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotSerializable, location,
                $"The state of [Cached] class '{DistributedSymbols.NameOf(type)}' cannot move between sites", $"field '{shown.Name}'",
                DistributedSymbols.NameOf(field.Type), why, "keep the data it holds"));
        }
    }
}
