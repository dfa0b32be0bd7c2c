using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>Tessera's two dataflow variable types, resolved once per compilation, and the ways code waits for one.</summary>
internal sealed class DataflowTypes
{
    private readonly INamedTypeSymbol _ofT;
    private readonly INamedTypeSymbol _plain;

    private DataflowTypes(INamedTypeSymbol ofT, INamedTypeSymbol plain)
    {
        _ofT = ofT;
        _plain = plain;
    }

    /// <summary>Null when the compilation does not reference the Tessera runtime.</summary>
    public static DataflowTypes? For(Compilation compilation)
        => compilation.GetTypeByMetadataName(KnownNames.Dataflow + "`1") is { } ofT && compilation.GetTypeByMetadataName(KnownNames.Dataflow) is { } plain
            ? new DataflowTypes(ofT, plain)
            : null;

    /// <summary>Whether <paramref name="type"/> is <c>Dataflow&lt;T&gt;</c>.</summary>
    public bool IsValueVariable(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, _ofT);

    /// <summary>Whether <paramref name="type"/> is <c>Dataflow&lt;T&gt;</c> or the completion-only <c>Dataflow</c>.</summary>
    public bool IsVariable(ITypeSymbol? type) => IsValueVariable(type) || SymbolEqualityComparer.Default.Equals(type, _plain);

    /// <summary>
    /// The variable <paramref name="operation"/> waits for, or null: reading <c>Value</c>, calling <c>Wait</c> or
    /// <c>GetValue</c>, converting to the value, or awaiting (directly or through <c>AsTask</c>/<c>ConfigureAwait</c>).
    /// </summary>
    public IOperation? WaitedFor(IOperation operation)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation { Property.Name: "Value" } read when IsValueVariable(read.Property.ContainingType):
                return read.Instance;
            case IInvocationOperation { TargetMethod.Name: "Wait" or "GetValue" } call when IsVariable(call.TargetMethod.ContainingType):
                return call.Instance;
            case IConversionOperation { OperatorMethod: { } method } conversion when IsValueVariable(method.ContainingType):
                return conversion.Operand;
            case IAwaitOperation awaited:
                var target = OperationTree.WithoutConversions(awaited.Operation);
                if (target is IInvocationOperation { TargetMethod.Name: "AsTask" or "ConfigureAwait", Instance: { } variable } && IsVariable(variable.Type)) return variable;
                return IsVariable(target.Type) ? target : null;
            default:
                return null;
        }
    }
}
