using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// Reports explicit interface implementations in [Stationary] and [Cached] classes (TESS0025): the generated
/// subclasses cannot override them, so a call through the interface runs on the proxy's own, empty state, or on a
/// [Cached] object without its state. [Async] classes are not concerned: their remote reference is the generated
/// <c>Ref</c> type, which does not implement the class's interfaces.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExplicitImplementationAnalyzer : DistributedSymbolAnalyzer
{
    public ExplicitImplementationAnalyzer() : base(SymbolKind.Method, SymbolKind.Property, SymbolKind.Event) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ExplicitInterfaceImplementation);

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var member = context.Symbol;
        // A sealed class gets no generated subclass (TESS0006 says so); static members are never called on an instance.
        if (member.IsStatic || member.ContainingType is not { IsSealed: false } type) return;
        if (attributes.KindOf(type) is not { } kind || kind == DistributionKind.Async) return;
        if (ImplementedInterfaceMember(member) is not { } implemented) return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.ExplicitInterfaceImplementation,
            member.Locations[0],
            DistributedSymbols.NameOf(type) + "." + implemented.Name,
            DistributedSymbols.NameOf(implemented.ContainingType) + "." + implemented.Name,
            NonVirtualMethodAnalyzer.Consequence(kind, "an interface call")));
    }

    /// <summary>The interface member <paramref name="member"/> implements explicitly; accessors are reported with their property or event.</summary>
    private static ISymbol? ImplementedInterfaceMember(ISymbol member) => member switch
    {
        IMethodSymbol { MethodKind: MethodKind.ExplicitInterfaceImplementation } method => method.ExplicitInterfaceImplementations.FirstOrDefault(),
        IPropertySymbol property => property.ExplicitInterfaceImplementations.FirstOrDefault(),
        IEventSymbol @event => @event.ExplicitInterfaceImplementations.FirstOrDefault(),
        _ => null,
    };
}
