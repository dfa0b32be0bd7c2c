using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// Reports public instance methods the proxy cannot override (TSR0005): on a remote reference they would
/// run against the proxy's own, empty state instead of being forwarded home.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NonVirtualMethodAnalyzer : StationarySymbolAnalyzer
{
    public NonVirtualMethodAnalyzer() : base(SymbolKind.Method) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.NonVirtualMethod);

    protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var method = (IMethodSymbol)context.Symbol;
        // A sealed class cannot declare virtual methods, so TSR0006 is the one actionable report there.
        if (!StationarySymbols.IsPublicInstanceMethod(method)
            || StationarySymbols.IsRemotable(method)
            || method.ContainingType.IsSealed
            || StationarySymbols.OverridesObject(method)
            || !StationarySymbols.IsStationary(method.ContainingType, attribute)) return;

        var (why, fix) = method.IsSealed
            ? ("is sealed", "remove 'sealed' so the proxy can override it")
            : ("is not virtual", "declare it 'virtual', or make it non-public if it is not meant to be called remotely");
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonVirtualMethod, method.Locations[0], StationarySymbols.NameOf(method), why, fix));
    }
}
