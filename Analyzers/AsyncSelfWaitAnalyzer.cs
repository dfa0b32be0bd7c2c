using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Reports an <c>[Async]</c> object waiting for a call it made to itself through its own async reference
/// (TESS0022). Every wait on a Dataflow variable is filtered first by its shape, then by the class; only waits
/// in an <c>[Async]</c> class on a call through its <c>Ref</c>, or on a local, are followed (<see cref="SelfCalls"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AsyncSelfWaitAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.AsyncSelfWait);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (DistributionAttributes.For(start.Compilation) is not { } attributes || DataflowTypes.For(start.Compilation) is not { } dataflow) return;
            start.RegisterOperationAction(c => Analyze(c, attributes, dataflow),
                OperationKind.PropertyReference, OperationKind.Invocation, OperationKind.Conversion, OperationKind.Await);
        });
    }

    private static void Analyze(OperationAnalysisContext context, DistributionAttributes attributes, DataflowTypes dataflow)
    {
        if (dataflow.WaitedFor(context.Operation) is not { } reply) return;
        // A constructor runs before any call, and a lambda may run anywhere: neither waits inside a call.
        if (context.ContainingSymbol is not IMethodSymbol { IsStatic: false, MethodKind: not MethodKind.Constructor } member) return;
        var type = member.ContainingType;
        if (attributes.KindOf(type) != DistributionKind.Async || OperationTree.InNestedFunction(context.Operation)) return;
        // Without the generated Ref (the generator is not running) nothing can call the object through it.
        if (type.GetTypeMembers("Ref").FirstOrDefault(t => t.Arity == 0) is not { } reference) return;
        var calls = new SelfCalls(type, reference, OperationTree.FunctionRoot(context.Operation), context.CancellationToken);
        if (!calls.IsSelfReply(reply)) return;
        var name = member.AssociatedSymbol ?? member;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AsyncSelfWait, context.Operation.Syntax.GetLocation(), DistributedSymbols.NameOf(name), reply.Syntax.ToString()));
    }
}
