using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Reports <c>new</c> on <c>[Cached]</c> and <c>[Async]</c> classes (TESS0010): their instances must come
/// from the generated factories. Generated code is skipped, since the factories are where <c>new</c> is right.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ObjectCreationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.CachedNew);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (DistributionAttributes.For(start.Compilation) is not { } attributes) return;
            start.RegisterOperationAction(c => Analyze(c, attributes), OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, DistributionAttributes attributes)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        var what = attributes.KindOf(creation.Type) switch
        {
            DistributionKind.Cached => "an object whose state cannot move, so calls through other sites' references would never reach it",
            DistributionKind.Async => "a plain object whose calls run on the caller's thread, not one at a time on its own executor, and which has no async reference to share",
            _ => null,
        };
        if (what is not null)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CachedNew, creation.Syntax.GetLocation(), creation.Type!.Name, what));
    }
}
