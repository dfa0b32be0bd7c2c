using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// Checks the shape of a <c>[Stationary]</c> class itself: the ones the generator skips (TSR0001, TSR0002,
/// TSR0008) and the ones no proxy could serve (TSR0006).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StationaryClassAnalyzer : StationarySymbolAnalyzer
{
    public StationaryClassAnalyzer() : base(SymbolKind.NamedType) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.MustBePartial,
        DiagnosticDescriptors.GenericClass,
        DiagnosticDescriptors.InvalidClassModifier,
        DiagnosticDescriptors.Unservable);

    protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !StationarySymbols.IsStationary(type, attribute)) return;
        ReportNotPartial(context, type);
        ReportGeneric(context, type);
        ReportModifier(context, type);
        ReportUnservable(context, type);
    }

    private static void ReportNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var name = StationarySymbols.NameOf(type);
        foreach (var declaration in StationarySymbols.Declarations(type, context.CancellationToken))
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MustBePartial, declaration.Identifier.GetLocation(), $"[Stationary] class '{name}'", "it"));
        }

        // Reported on the containing type's own declaration: that is where 'partial' has to be added.
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            foreach (var declaration in StationarySymbols.Declarations(outer, context.CancellationToken))
            {
                if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) continue;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.MustBePartial,
                    declaration.Identifier.GetLocation(),
                    $"Type '{StationarySymbols.NameOf(outer)}', which contains [Stationary] class '{name}',",
                    $"'{name}'"));
            }
        }
    }

    private static void ReportGeneric(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        string? why = null;
        if (type.TypeParameters.Length > 0)
        {
            why = "is generic";
        }
        else
        {
            for (var outer = type.ContainingType; outer is not null && why is null; outer = outer.ContainingType)
            {
                if (outer.TypeParameters.Length > 0) why = $"is nested in generic type '{StationarySymbols.NameOf(outer)}'";
            }
        }
        if (why is null) return;
        var location = StationarySymbols.IdentifierWhere(type, _ => true, context.CancellationToken);
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GenericClass, location, StationarySymbols.NameOf(type), why));
    }

    private static void ReportModifier(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        // Checked in this order because a static class is also sealed and abstract in metadata.
        var (modifier, keyword, why, fix) =
            type.IsStatic ? (SyntaxKind.StaticKeyword, "static", "only instances can be shared with other sites", "remove 'static' and make the shared members instance members")
            : type.IsSealed ? (SyntaxKind.SealedKeyword, "sealed", "the generated proxy for remote references derives from it", "remove 'sealed' (the generated proxy is sealed itself)")
            : type.IsAbstract ? (SyntaxKind.AbstractKeyword, "abstract", "its home object must be an instance of the class itself and the generated proxy cannot implement abstract members", "put [Stationary] on a concrete class that derives from it")
            : (SyntaxKind.None, "", "", "");
        if (modifier == SyntaxKind.None) return;

        // On the part that carries the modifier, since that is the one to edit.
        var location = StationarySymbols.IdentifierWhere(type, d => d.Modifiers.Any(modifier), context.CancellationToken);
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidClassModifier, location, StationarySymbols.NameOf(type), keyword, why, fix));
    }

    /// <summary>The first of <see cref="ProxyRequirements.Allows"/>' checks that fails, in the same order.</summary>
    private static void ReportUnservable(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var name = StationarySymbols.NameOf(type);
        var cancellationToken = context.CancellationToken;
        Location? location;
        string why, fix;
        if (type.IsRecord)
        {
            location = StationarySymbols.IdentifierWhere(type, _ => true, cancellationToken);
            why = "is a record, whose generated equality and copying work on state that a proxy does not have";
            fix = "declare it as a 'partial class' instead";
        }
        else if (ProxyRequirements.PrimaryConstructor(type, cancellationToken) is { } declaration)
        {
            location = declaration.Identifier.GetLocation();
            why = "has a primary constructor, which the proxy's constructor would have to call with arguments it cannot choose";
            fix = "declare an ordinary constructor instead, assigning its parameters to fields";
        }
        else if (ProxyRequirements.StationaryBase(type) is { } stationaryBase)
        {
            location = BaseListOwner(type, cancellationToken);
            why = $"derives from [Stationary] class '{StationarySymbols.NameOf(stationaryBase)}', and deriving one [Stationary] class from another is not supported yet";
            fix = "keep [Stationary] on one of them only, or move the shared code into a base class without it";
        }
        else if (ProxyRequirements.BaseWithoutParameterlessConstructor(type, context.Compilation) is { } baseType)
        {
            var baseName = StationarySymbols.NameOf(baseType);
            location = BaseListOwner(type, cancellationToken);
            why = $"derives from '{baseName}', which has no parameterless constructor that '{name}' can call, and the proxy's constructor needs one";
            fix = $"add a parameterless constructor to '{baseName}' (protected is enough), or derive from a class that has one";
        }
        else if (ProxyRequirements.CollidingMethods(type) is var (first, second))
        {
            location = second.Locations[0];
            why = $"has remotable methods '{StationarySymbols.NameOf(first)}' and '{StationarySymbols.NameOf(second)}' with the same method id 0x{ProxyRequirements.MethodId(first):x8}, which the home site could not tell apart";
            fix = "rename one of them";
        }
        else
        {
            return;
        }
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.Unservable, location, name, why, fix));
    }

    /// <summary>The part of a partial class that names the base class, since that is where the problem shows.</summary>
    private static Location? BaseListOwner(INamedTypeSymbol type, CancellationToken cancellationToken)
        => StationarySymbols.IdentifierWhere(type, d => d.BaseList is not null, cancellationToken)
           ?? StationarySymbols.IdentifierWhere(type, _ => true, cancellationToken);
}
