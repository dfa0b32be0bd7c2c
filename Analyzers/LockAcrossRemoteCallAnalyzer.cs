using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Reports calls that may run on another site made while a lock is held (TESS0023): inside a <c>lock</c>
/// statement's body, or after <c>Monitor.Enter</c>/<c>TryEnter</c> and before the next <c>Monitor.Exit</c> in
/// source order within the same function. Each call is reported once, for the innermost region around it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockAcrossRemoteCallAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] Enters = { "Enter", "TryEnter" };

    // A nested Enter starts a region of its own, which reports what follows it.
    private static readonly string[] RegionEnds = { "Exit", "Enter", "TryEnter" };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.LockAcrossRemoteCall);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (DistributionAttributes.For(start.Compilation) is not { } attributes) return;
            start.RegisterOperationAction(c => AnalyzeLock(c, attributes), OperationKind.Lock);
            if (start.Compilation.GetTypeByMetadataName("System.Threading.Monitor") is { } monitor)
                start.RegisterOperationAction(c => AnalyzeMonitor(c, attributes, monitor), OperationKind.Invocation);
        });
    }

    private static void AnalyzeLock(OperationAnalysisContext context, DistributionAttributes attributes)
    {
        var statement = (ILockOperation)context.Operation;
        var held = $"The lock on '{statement.LockedValue.Syntax}'";
        // A nested lock statement reports the calls in its own body.
        foreach (var operation in OperationTree.Walk(statement.Body, skip: o => o is ILockOperation)) Report(context, operation, held, attributes);
    }

    private static void AnalyzeMonitor(OperationAnalysisContext context, DistributionAttributes attributes, INamedTypeSymbol monitor)
    {
        var enter = (IInvocationOperation)context.Operation;
        if (!IsMonitor(enter, monitor, Enters) || enter.Arguments.IsEmpty) return;
        var held = $"The lock 'Monitor.{enter.TargetMethod.Name}' took on '{OperationTree.WithoutConversions(enter.Arguments[0].Value).Syntax}'";
        var start = enter.Syntax.Span.End;
        // Calls inside lock statements are left to those, which report their own bodies.
        var inOrder = OperationTree.Walk(OperationTree.FunctionRoot(enter), skip: o => o is ILockOperation)
            .Where(o => o.Syntax.SpanStart >= start)
            .OrderBy(o => o.Syntax.SpanStart);
        foreach (var operation in inOrder)
        {
            if (operation is IInvocationOperation call && IsMonitor(call, monitor, RegionEnds)) break;
            Report(context, operation, held, attributes);
        }
    }

    private static void Report(OperationAnalysisContext context, IOperation operation, string held, DistributionAttributes attributes)
    {
        if (operation is not IInvocationOperation call || RemoteCalls.Of(call, attributes) is not { } target) return;
        var consequence = target switch
        {
            RemoteTarget.AsyncReference => "the call only queues here and runs at the object's home after the lock is released, so the lock does not cover it",
            RemoteTarget.Cached => "the call may first wait for the object's state to come over the network, and every thread that needs the lock waits with it",
            _ => "the call runs at the object's home, where this lock excludes nobody, every thread that needs the lock waits for the network meanwhile, and a callback here that takes the same lock deadlocks",
        };
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LockAcrossRemoteCall, call.Syntax.GetLocation(), held, call.Syntax.ToString(), consequence));
    }

    private static bool IsMonitor(IInvocationOperation call, INamedTypeSymbol monitor, string[] names)
        => SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, monitor) && names.Contains(call.TargetMethod.Name);
}
