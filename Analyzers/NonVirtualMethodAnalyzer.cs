using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// Reports public instance methods the generated subclasses cannot override (TESS0005): on a remote reference
/// they would run against the proxy's own, empty state, and on a [Cached] object without its state.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NonVirtualMethodAnalyzer : DistributedSymbolAnalyzer
{
    public NonVirtualMethodAnalyzer() : base(SymbolKind.Method) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.NonVirtualMethod);

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var method = (IMethodSymbol)context.Symbol;
        // A sealed class cannot declare virtual methods, so TESS0006 is the one actionable report there.
        if (!DistributedSymbols.IsPublicInstanceMethod(method)
            || DistributedSymbols.IsRemotable(method)
            || method.ContainingType.IsSealed
            || DistributedSymbols.OverridesObject(method)
            || attributes.KindOf(method.ContainingType) is not { } kind) return;

        var (why, fix) = method.IsSealed
            ? ("is sealed", "remove 'sealed' so the proxy can override it")
            : ("is not virtual", "declare it 'virtual', or make it non-public if it is not meant to be called remotely");
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonVirtualMethod, method.Locations[0], DistributedSymbols.NameOf(method), why, Consequence(kind, "a call"), fix));
    }

    /// <summary>What goes wrong when a member the generated subclass does not override is used.</summary>
    internal static string Consequence(DistributionKind kind, string use) => kind == DistributionKind.Cached
        ? $"{use} runs without first bringing the object's state to this site, and sees stale or empty fields"
        : $"{use} through a remote reference runs on the local proxy instead of on the home site";
}
