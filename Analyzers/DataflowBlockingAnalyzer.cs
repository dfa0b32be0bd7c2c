using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Reports a Dataflow variable blocked on inside an async method or lambda (TESS0017): reading <c>Value</c>,
/// calling <c>Wait()</c> or converting it implicitly. The shape goes in the diagnostic's properties so the
/// code fix knows what to replace with <c>await</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DataflowBlockingAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property naming what blocks: one of the <c>Shape*</c> values.</summary>
    public const string ShapeKey = "Shape";
    public const string ShapeValue = "Value";
    public const string ShapeWait = "Wait";
    public const string ShapeConversion = "Conversion";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.BlockingDataflow);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (DataflowTypes.For(start.Compilation) is not { } dataflow) return;
            start.RegisterOperationAction(c => AnalyzeProperty(c, dataflow), OperationKind.PropertyReference);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, dataflow), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeConversion(c, dataflow), OperationKind.Conversion);
        });
    }

    private static void AnalyzeProperty(OperationAnalysisContext context, DataflowTypes dataflow)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (reference.Property.Name != "Value" || !dataflow.IsValueVariable(reference.Property.ContainingType)) return;
        Report(context, $"Reading '{reference.Syntax}'", ShapeValue);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, DataflowTypes dataflow)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name is not ("Wait" or "GetValue") || !dataflow.IsVariable(method.ContainingType)) return;
        // Only the argument-free Wait() has an exact 'await' equivalent; a timeout would be lost.
        Report(context, $"Calling '{invocation.Syntax}'", method.Name == "Wait" && method.Parameters.IsEmpty ? ShapeWait : "");
    }

    private static void AnalyzeConversion(OperationAnalysisContext context, DataflowTypes dataflow)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (!conversion.IsImplicit || conversion.OperatorMethod is not { } method || !dataflow.IsValueVariable(method.ContainingType)) return;
        Report(context, $"Converting '{conversion.Operand.Syntax}' implicitly", ShapeConversion, conversion.Operand.Syntax.GetLocation());
    }

    private static void Report(OperationAnalysisContext context, string what, string shape, Location? location = null)
    {
        if (EnclosingAsync(context.Operation, context.ContainingSymbol) is not { } name) return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeKey, shape);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingDataflow, location ?? context.Operation.Syntax.GetLocation(), properties, what, name));
    }

    /// <summary>The name of the innermost function around <paramref name="operation"/> when it is async; null otherwise.</summary>
    private static string? EnclosingAsync(IOperation operation, ISymbol containing)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda.Symbol.IsAsync ? "lambda" : null;
                case ILocalFunctionOperation local:
                    return local.Symbol.IsAsync ? $"local function '{local.Symbol.Name}'" : null;
            }
        }
        return containing is IMethodSymbol { IsAsync: true } method ? $"method '{DistributedSymbols.NameOf(method)}'" : null;
    }
}
