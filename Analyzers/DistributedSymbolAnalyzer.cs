using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// The common setup of Tessera's symbol analyzers: skip generated code, run concurrently, resolve the
/// distribution attributes once per compilation, and do nothing in one that does not reference Tessera.
/// </summary>
public abstract class DistributedSymbolAnalyzer : DiagnosticAnalyzer
{
    private readonly SymbolKind[] _kinds;

    private protected DistributedSymbolAnalyzer(params SymbolKind[] kinds) => _kinds = kinds;

    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (DistributionAttributes.For(start.Compilation) is not { } attributes) return;
            start.RegisterSymbolAction(c => Analyze(c, attributes), _kinds);
        });
    }

    /// <param name="attributes">The distribution attributes of this compilation.</param>
    private protected abstract void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes);
}
