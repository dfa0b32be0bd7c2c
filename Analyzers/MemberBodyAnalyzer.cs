using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// What the code of a distributed class, or code using one, does that only works within one process:
/// static mutable state (TESS0018), fields of other instances (TESS0019), locks on [Cached] objects
/// (TESS0020) and thread-bound values (TESS0021). Each operation is first filtered by its kind and
/// symbol, so the attribute lookups run only for the few that can matter.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MemberBodyAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.StaticState,
        DiagnosticDescriptors.FieldBypassesProxy,
        DiagnosticDescriptors.LockOnCached,
        DiagnosticDescriptors.ThreadAffinity);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (DistributionAttributes.For(start.Compilation) is not { } attributes) return;
            var thread = new ThreadSymbols(start.Compilation);
            var monitor = start.Compilation.GetTypeByMetadataName("System.Threading.Monitor");
            start.RegisterOperationAction(c => AnalyzeField(c, attributes, thread), OperationKind.FieldReference);
            start.RegisterOperationAction(c => AnalyzeProperty(c, attributes, thread), OperationKind.PropertyReference);
            start.RegisterOperationAction(c => AnalyzeLock(c, attributes), OperationKind.Lock);
            if (monitor is not null) start.RegisterOperationAction(c => AnalyzeMonitor(c, attributes, monitor), OperationKind.Invocation);
        });
    }

    /// <summary>The instance member of a distributed class whose code this is, or null.</summary>
    private static ISymbol? DistributedMember(OperationAnalysisContext context, DistributionAttributes attributes)
    {
        var member = context.ContainingSymbol;
        return !member.IsStatic && attributes.IsDistributed(member.ContainingType) ? member : null;
    }

    private static void AnalyzeField(OperationAnalysisContext context, DistributionAttributes attributes, ThreadSymbols thread)
    {
        var reference = (IFieldReferenceOperation)context.Operation;
        var field = reference.Field;
        if (field.IsStatic)
        {
            if (field.IsConst || field.IsReadOnly || DistributedMember(context, attributes) is not { } member) return;
            if (thread.IsThreadStatic(field))
                Report(context, DiagnosticDescriptors.ThreadAffinity, DistributedSymbols.NameOf(member), $"[ThreadStatic] field '{field.Name}'");
            else
                Report(context, DiagnosticDescriptors.StaticState, DistributedSymbols.NameOf(member), IsWritten(reference) ? "writes" : "reads", DistributedSymbols.NameOf(field));
            return;
        }
        // 'this', 'base' and an object initializer's receiver are the object itself: only others bypass the proxy.
        if (reference.Instance is null or IInstanceReferenceOperation || !attributes.IsDistributed(field.ContainingType)) return;
        Report(context, DiagnosticDescriptors.FieldBypassesProxy,
            $"Field '{DistributedSymbols.NameOf(field)}' is used on another instance than 'this'",
            "call a virtual method on that instance instead");
    }

    private static void AnalyzeProperty(OperationAnalysisContext context, DistributionAttributes attributes, ThreadSymbols thread)
    {
        var property = ((IPropertyReferenceOperation)context.Operation).Property;
        if (thread.Describe(property) is not { } what || DistributedMember(context, attributes) is not { } member) return;
        Report(context, DiagnosticDescriptors.ThreadAffinity, DistributedSymbols.NameOf(member), what);
    }

    private static void AnalyzeLock(OperationAnalysisContext context, DistributionAttributes attributes)
    {
        var locked = ((ILockOperation)context.Operation).LockedValue;
        if (attributes.KindOf(locked.Type) == DistributionKind.Cached)
            Report(context, DiagnosticDescriptors.LockOnCached, locked.Syntax.GetLocation(), "'lock' on");
    }

    private static void AnalyzeMonitor(OperationAnalysisContext context, DistributionAttributes attributes, INamedTypeSymbol monitor)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, monitor) || invocation.Arguments.IsEmpty) return;
        var target = invocation.Arguments[0].Value;
        // The argument is converted to object: the type that matters is the one before the conversion.
        var type = (target is IConversionOperation conversion ? conversion.Operand : target).Type;
        if (attributes.KindOf(type) == DistributionKind.Cached)
            Report(context, DiagnosticDescriptors.LockOnCached, target.Syntax.GetLocation(), $"'Monitor.{invocation.TargetMethod.Name}' on");
    }

    private static bool IsWritten(IOperation reference) => reference.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == reference,
        IIncrementOrDecrementOperation => true,
        IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
        _ => false,
    };

    private static void Report(OperationAnalysisContext context, DiagnosticDescriptor descriptor, params object[] arguments)
        => Report(context, descriptor, context.Operation.Syntax.GetLocation(), arguments);

    private static void Report(OperationAnalysisContext context, DiagnosticDescriptor descriptor, Location location, params object[] arguments)
        => context.ReportDiagnostic(Diagnostic.Create(descriptor, location, arguments));
}
