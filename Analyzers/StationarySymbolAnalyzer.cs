using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// The common setup of Tessera's analyzers: skip generated code, run concurrently, and do nothing in a
/// compilation that does not reference the Tessera runtime.
/// </summary>
public abstract class StationarySymbolAnalyzer : DiagnosticAnalyzer
{
    private readonly SymbolKind _kind;

    protected StationarySymbolAnalyzer(SymbolKind kind) => _kind = kind;

    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName(StationarySymbols.AttributeMetadataName);
            if (attribute is null) return;
            start.RegisterSymbolAction(c => Analyze(c, attribute), _kind);
        });
    }

    /// <param name="attribute">The <c>[Stationary]</c> attribute type of this compilation.</param>
    protected abstract void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute);
}
