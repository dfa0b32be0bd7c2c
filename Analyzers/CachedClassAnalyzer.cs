using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Tessera.Generators.Cached;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// <c>[Cached]</c> classes: state the generator cannot move (TSR0009, judged by the generator's own
/// <see cref="CachedRequirements"/>), and instances made with <c>new</c> instead of the factory (TSR0010).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CachedClassAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.CachedStateCannotMove,
        DiagnosticDescriptors.CachedNew);

    public override void Initialize(AnalysisContext context)
    {
        // Generated code is skipped: the generated factories are the one place 'new' is right.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName(KnownNames.CachedAttribute);
            if (attribute is null) return;
            start.RegisterSymbolAction(c => AnalyzeClass(c, attribute), SymbolKind.NamedType);
            start.RegisterOperationAction(c => AnalyzeCreation(c, attribute), OperationKind.ObjectCreation);
        });
    }

    private static bool IsCached(ITypeSymbol? type, INamedTypeSymbol attribute)
        => type is not null && type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

    private static void AnalyzeCreation(OperationAnalysisContext context, INamedTypeSymbol attribute)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (IsCached(creation.Type, attribute))
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CachedNew, creation.Syntax.GetLocation(), creation.Type!.Name));
    }

    private static void AnalyzeClass(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !IsCached(type, attribute)) return;
        var name = StationarySymbols.NameOf(type);
        Location? location;
        string why, fix;
        if (CachedRequirements.ForeignBase(type) is { } foreign)
        {
            location = StationarySymbols.IdentifierWhere(type, d => d.BaseList is not null, context.CancellationToken);
            why = $"it derives from '{StationarySymbols.NameOf(foreign)}', which is declared in another assembly whose private fields the generator cannot see, so they would not move with the rest";
            fix = "derive from a class declared in this project, or hold the other class's instance in a field instead of deriving from it";
        }
        else if (CachedRequirements.DistributedBase(type) is { } distributed)
        {
            location = StationarySymbols.IdentifierWhere(type, d => d.BaseList is not null, context.CancellationToken);
            why = $"it derives from distributed class '{StationarySymbols.NameOf(distributed)}', and deriving one distributed class from another is not supported yet";
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
}
