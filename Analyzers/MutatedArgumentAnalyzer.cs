using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Reports a change to an array, collection or <c>[MemoryPackable]</c> object made after it was passed, in a
/// local or parameter, to a call that copies it to another site (TESS0024). A change counts when it follows the
/// call in source order, before the variable is passed to the next such call, and the control flow graph can
/// reach it from the call; a variable assigned anywhere but its declaration is skipped, since the change may
/// then be to another object. The graph is built only for calls that have such a candidate change.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MutatedArgumentAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ArgumentMutatedAfterRemoteCall);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (DistributionAttributes.For(start.Compilation) is not { } attributes) return;
            start.RegisterOperationAction(c => Analyze(c, attributes), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, DistributionAttributes attributes)
    {
        var call = (IInvocationOperation)context.Operation;
        // A [Cached] call runs here, on the caller's own arguments; a call inside a lambda has no graph here.
        if (!CopiesArguments(call, attributes) || call.Arguments.IsEmpty || OperationTree.InNestedFunction(call)) return;
        ControlFlowGraph? graph = null;
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter?.RefKind != RefKind.None || OperationTree.VariableOf(argument.Value) is not { } variable || !seen.Add(variable)) continue;
            if (!CopiedArgumentChanges.IsChangeableCopy(variable is ILocalSymbol local ? local.Type : ((IParameterSymbol)variable).Type)) continue;
            foreach (var change in ChangesAfter(call, variable, attributes))
            {
                graph ??= context.GetControlFlowGraph();
                if (!FlowReachability.CanFollow(graph, call.Syntax, change.Syntax)) continue;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ArgumentMutatedAfterRemoteCall, change.Syntax.GetLocation(), variable.Name, call.Syntax.ToString()));
            }
        }
    }

    private static bool CopiesArguments(IInvocationOperation call, DistributionAttributes attributes)
        => RemoteCalls.Of(call, attributes) is { } target && target != RemoteTarget.Cached;

    /// <summary>
    /// The changes to <paramref name="variable"/>'s contents after <paramref name="call"/> in source order and before
    /// the next copying call it is passed to (which reports them instead); none if the variable is ever reassigned.
    /// </summary>
    private static IReadOnlyList<IOperation> ChangesAfter(IInvocationOperation call, ISymbol variable, DistributionAttributes attributes)
    {
        var root = OperationTree.FunctionRoot(call);
        // Lambdas included: one that assigns the variable may run between the call and the change.
        if (root.DescendantsAndSelf().Any(o => Reassigns(o, variable))) return [];
        var after = call.Syntax.Span.End;
        var changes = new List<IOperation>();
        var next = int.MaxValue;
        foreach (var operation in OperationTree.Walk(root))
        {
            if (operation.Syntax.SpanStart < after) continue;
            if (CopiedArgumentChanges.Changes(operation, variable)) changes.Add(operation);
            else if (operation is IInvocationOperation other && other.Arguments.Any(a => OperationTree.IsVariable(a.Value, variable)) && CopiesArguments(other, attributes))
                next = System.Math.Min(next, other.Syntax.SpanStart);
        }
        return changes.Where(c => c.Syntax.SpanStart < next).ToList();
    }

    private static bool Reassigns(IOperation operation, ISymbol variable) => operation switch
    {
        IDeconstructionAssignmentOperation deconstruction => deconstruction.Target.DescendantsAndSelf().Any(o => OperationTree.IsVariable(o, variable)),
        IAssignmentOperation assignment => OperationTree.IsVariable(assignment.Target, variable),
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => OperationTree.IsVariable(argument.Value, variable),
        _ => false,
    };
}
