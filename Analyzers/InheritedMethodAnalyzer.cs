using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Cached;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// Reports what a distributed class inherits from a plain base class that the generated code trips on: public
/// instance methods it does not override (TESS0005), since the generated subclasses override only what the class
/// itself declares, so such a method runs on the proxy's own, empty state, or on a [Cached] object without its
/// state; and members the generated ones would hide (TESS0014), a warning that fails builds with warnings as errors.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InheritedMethodAnalyzer : DistributedSymbolAnalyzer
{
    public InheritedMethodAnalyzer() : base(SymbolKind.NamedType) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.NonVirtualMethod, DiagnosticDescriptors.GeneratedNameCollision);

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        // Classes the generator skips are reported as such (sealed: TESS0006; TESS0008; [Cached] bases: TESS0009).
        if (attributes.KindOf(type) is not { } kind
            || type.IsSealed
            || !ProxyRequirements.Allows(type, context.Compilation, context.CancellationToken)
            || (kind == DistributionKind.Cached && (CachedRequirements.ForeignBase(type) is not null || CachedRequirements.DistributedBase(type) is not null)))
            return;
        var location = DistributedSymbols.IdentifierWhere(type, d => d.BaseList is not null, context.CancellationToken)
                       ?? DistributedSymbols.IdentifierWhere(type, _ => true, context.CancellationToken);
        if (location is null) return;
        foreach (var member in HiddenByGenerated(type, kind, attributes, context.Compilation))
        {
            var (generated, by) = GeneratedNames.Collision(member, kind, type)!.Value;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratedNameCollision, location,
                "Inherited member", DistributedSymbols.NameOf(member), DistributedSymbols.Label(kind), type.Name, by, generated));
        }
        foreach (var method in NotOverridden(type, attributes))
        {
            var (why, fix) = DistributedSymbols.IsRemotable(method)
                ? ($"is inherited from '{DistributedSymbols.NameOf(method.ContainingType)}', and the generated proxy forwards only the methods '{type.Name}' declares",
                   $"override it in '{type.Name}' (it may just call base.{method.Name}), or make it non-public")
                : ($"is inherited from '{DistributedSymbols.NameOf(method.ContainingType)}' and cannot be overridden",
                   $"make it virtual there and override it in '{type.Name}', or make it non-public");
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonVirtualMethod, location, DistributedSymbols.NameOf(method), why, NonVirtualMethodAnalyzer.Consequence(kind, "a call"), fix));
        }
    }

    /// <summary>Public instance methods of the plain bases that nothing from the class down to them overrides or hides.</summary>
    private static IEnumerable<IMethodSymbol> NotOverridden(INamedTypeSymbol type, DistributionAttributes attributes)
    {
        var covered = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var signatures = new HashSet<string>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            if (!SymbolEqualityComparer.Default.Equals(current, type) && attributes.KindOf(current) is not null) yield break;
            foreach (var method in current.GetMembers().OfType<IMethodSymbol>())
            {
                var inherited = !SymbolEqualityComparer.Default.Equals(current, type);
                if (inherited
                    && DistributedSymbols.IsPublicInstanceMethod(method)
                    && !DistributedSymbols.OverridesObject(method)
                    && !covered.Contains(method)
                    && !signatures.Contains(Signature(method)))
                {
                    yield return method;
                }
                for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod) covered.Add(overridden);
                signatures.Add(Signature(method));
            }
        }
    }

    /// <summary>Members of the plain bases, visible in the class, that a generated member would hide.</summary>
    private static IEnumerable<ISymbol> HiddenByGenerated(INamedTypeSymbol type, DistributionKind kind, DistributionAttributes attributes, Compilation compilation)
    {
        for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            if (attributes.KindOf(current) is not null) yield break;
            foreach (var member in current.GetMembers())
            {
                // Only what the class can see is hidden: an internal member of another assembly's base is not.
                if (member.IsImplicitlyDeclared || !compilation.IsSymbolAccessibleWithin(member, type)) continue;
                if (member is IMethodSymbol { MethodKind: not MethodKind.Ordinary }) continue;
                if (GeneratedNames.Collision(member, kind, type) is not null) yield return member;
            }
        }
    }

    private static string Signature(IMethodSymbol method)
        => method.Name + "(" + string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString())) + ")";
}
