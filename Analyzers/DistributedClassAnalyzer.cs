using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// Checks the shape of a distributed class itself: the ones every generator skips (TESS0001, TESS0002,
/// TESS0008), the ones no proxy could serve (TESS0006) and classes claimed by two generators (TESS0011).
/// The three generators share <see cref="Parser.IsSupported"/>, so the same limits hold for every kind.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DistributedClassAnalyzer : DistributedSymbolAnalyzer
{
    public DistributedClassAnalyzer() : base(SymbolKind.NamedType) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.MustBePartial,
        DiagnosticDescriptors.GenericClass,
        DiagnosticDescriptors.InvalidClassModifier,
        DiagnosticDescriptors.Unservable,
        DiagnosticDescriptors.SeveralDistributionAttributes);

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        ReportContainerNotPartial(context, type, attributes);
        if (attributes.KindOf(type) is not { } kind) return;
        var label = DistributedSymbols.Label(kind);
        ReportSeveralAttributes(context, type, attributes);
        ReportNotPartial(context, type, label);
        ReportGeneric(context, type, label);
        ReportModifier(context, type, label);
        ReportUnservable(context, type, kind);
    }

    private static void ReportSeveralAttributes(SymbolAnalysisContext context, INamedTypeSymbol type, DistributionAttributes attributes)
    {
        if (attributes.CountOn(type) < 2) return;
        var location = DistributedSymbols.IdentifierWhere(type, _ => true, context.CancellationToken);
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SeveralDistributionAttributes, location, DistributedSymbols.NameOf(type)));
    }

    private static void ReportNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type, string label)
    {
        var name = DistributedSymbols.NameOf(type);
        foreach (var declaration in DistributedSymbols.Declarations(type, context.CancellationToken))
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MustBePartial, declaration.Identifier.GetLocation(), $"{label} class '{name}'", "it"));
        }
    }

    /// <summary>
    /// Reported while analyzing the containing type itself, on its own declaration: that is where 'partial'
    /// has to be added, and a diagnostic inside the symbol it is reported for is one a code fix can reach.
    /// </summary>
    private static void ReportContainerNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type, DistributionAttributes attributes)
    {
        if (type.GetTypeMembers().IsEmpty || FirstDistributedNested(type, attributes) is not var (nested, kind)) return;
        foreach (var declaration in DistributedSymbols.Declarations(type, context.CancellationToken))
        {
            if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) continue;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.MustBePartial,
                declaration.Identifier.GetLocation(),
                $"Type '{DistributedSymbols.NameOf(type)}', which contains {DistributedSymbols.Label(kind)} class '{DistributedSymbols.NameOf(nested)}',",
                $"'{DistributedSymbols.NameOf(nested)}'"));
        }
    }

    private static (INamedTypeSymbol Nested, DistributionKind Kind)? FirstDistributedNested(INamedTypeSymbol type, DistributionAttributes attributes)
    {
        foreach (var nested in type.GetTypeMembers())
        {
            if (attributes.KindOf(nested) is { } kind) return (nested, kind);
            if (FirstDistributedNested(nested, attributes) is { } deeper) return deeper;
        }
        return null;
    }

    private static void ReportGeneric(SymbolAnalysisContext context, INamedTypeSymbol type, string label)
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
                if (outer.TypeParameters.Length > 0) why = $"is nested in generic type '{DistributedSymbols.NameOf(outer)}'";
            }
        }
        if (why is null) return;
        var location = DistributedSymbols.IdentifierWhere(type, _ => true, context.CancellationToken);
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GenericClass, location, label, DistributedSymbols.NameOf(type), why));
    }

    private static void ReportModifier(SymbolAnalysisContext context, INamedTypeSymbol type, string label)
    {
        // Checked in this order because a static class is also sealed and abstract in metadata.
        var (modifier, keyword, why, fix) =
            type.IsStatic ? (SyntaxKind.StaticKeyword, "static", "only instances can be shared with other sites", "remove 'static' and make the shared members instance members")
            : type.IsSealed ? (SyntaxKind.SealedKeyword, "sealed", "the generated proxy for remote references derives from it", "remove 'sealed' (the generated proxy is sealed itself)")
            : type.IsAbstract ? (SyntaxKind.AbstractKeyword, "abstract", "its home object must be an instance of the class itself and the generated proxy cannot implement abstract members", $"put {label} on a concrete class that derives from it")
            : (SyntaxKind.None, "", "", "");
        if (modifier == SyntaxKind.None) return;

        // On the part that carries the modifier, since that is the one to edit.
        var location = DistributedSymbols.IdentifierWhere(type, d => d.Modifiers.Any(modifier), context.CancellationToken);
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidClassModifier, location, label, DistributedSymbols.NameOf(type), keyword, why, fix));
    }

    /// <summary>The first of <see cref="ProxyRequirements.Allows"/>' checks that fails, in the same order.</summary>
    private static void ReportUnservable(SymbolAnalysisContext context, INamedTypeSymbol type, DistributionKind kind)
    {
        var name = DistributedSymbols.NameOf(type);
        var cancellationToken = context.CancellationToken;
        Location? location;
        string why, fix;
        if (type.IsRecord)
        {
            location = DistributedSymbols.IdentifierWhere(type, _ => true, cancellationToken);
            why = "is a record, whose generated equality and copying work on state that a proxy does not have";
            fix = "declare it as a 'partial class' instead";
        }
        else if (ProxyRequirements.FileLocal(type) is { } fileLocal)
        {
            location = DistributedSymbols.IdentifierWhere(fileLocal, _ => true, cancellationToken);
            why = SymbolEqualityComparer.Default.Equals(fileLocal, type)
                ? "is declared 'file', and its generated part, in another file, would declare a second class"
                : $"is nested in '{DistributedSymbols.NameOf(fileLocal)}', which is declared 'file', and its generated part, in another file, would declare a second class";
            fix = "remove the 'file' modifier (make it 'internal' to keep it out of other assemblies)";
        }
        else if (ProxyRequirements.PrimaryConstructor(type, cancellationToken) is { } declaration)
        {
            location = declaration.Identifier.GetLocation();
            why = "has a primary constructor, which the proxy's constructor would have to call with arguments it cannot choose";
            fix = "declare an ordinary constructor instead, assigning its parameters to fields";
        }
        // For [Cached] classes TESS0009 reports any distributed base, [Stationary] ones included.
        else if (kind != DistributionKind.Cached && ProxyRequirements.DistributedBase(type) is { } distributedBase)
        {
            location = BaseListOwner(type, cancellationToken);
            why = $"derives from distributed class '{DistributedSymbols.NameOf(distributedBase)}', and deriving one distributed class from another is not supported yet";
            fix = "keep the distribution attribute on one of them only, or move the shared code into a base class without one";
        }
        else if (ProxyRequirements.BaseWithoutParameterlessConstructor(type, context.Compilation) is { } baseType)
        {
            var baseName = DistributedSymbols.NameOf(baseType);
            location = BaseListOwner(type, cancellationToken);
            why = $"derives from '{baseName}', which has no parameterless constructor that '{name}' can call, and the proxy's constructor needs one";
            fix = $"add a parameterless constructor to '{baseName}' (protected is enough), or derive from a class that has one";
        }
        else if (ProxyRequirements.RequiredMemberFactoriesCannotSet(type) is { } required)
        {
            location = required.Locations.FirstOrDefault(l => l.IsInSource) ?? DistributedSymbols.IdentifierWhere(type, _ => true, cancellationToken);
            why = $"has required member '{required.Name}', which the generated Create factories cannot set";
            fix = "drop 'required' and set the member in a constructor, whose parameters Create mirrors";
        }
        else if (ProxyRequirements.HasNoConstructorForFactories(type))
        {
            location = DistributedSymbols.IdentifierWhere(type, _ => true, cancellationToken);
            why = "has no public or internal constructor, and the generated Create factories, the only way to make one, would have none to call";
            fix = "make a constructor public or internal (Create mirrors each one)";
        }
        else if (ProxyRequirements.CollidingMethods(type) is var (first, second))
        {
            location = second.Locations[0];
            why = $"has remotable methods '{DistributedSymbols.NameOf(first)}' and '{DistributedSymbols.NameOf(second)}' with the same method id 0x{ProxyRequirements.MethodId(first):x8}, which the home site could not tell apart";
            fix = "rename one of them";
        }
        else
        {
            return;
        }
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.Unservable, location, DistributedSymbols.Label(kind), name, why, fix));
    }

    /// <summary>The part of a partial class that names the base class, since that is where the problem shows.</summary>
    private static Location? BaseListOwner(INamedTypeSymbol type, CancellationToken cancellationToken)
        => DistributedSymbols.IdentifierWhere(type, d => d.BaseList is not null, cancellationToken)
           ?? DistributedSymbols.IdentifierWhere(type, _ => true, cancellationToken);
}
