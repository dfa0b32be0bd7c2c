using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Walks within one function's operations. Lambdas and local functions are left out: nothing here knows
/// when, or on which thread, they run, so the flow rules neither look into them nor across them.
/// </summary>
internal static class OperationTree
{
    /// <summary>The outermost operation of the function (member body, lambda or local function) around <paramref name="operation"/>.</summary>
    public static IOperation FunctionRoot(IOperation operation)
    {
        var current = operation;
        while (current.Parent is { } parent && !IsFunction(parent)) current = parent;
        return current;
    }

    /// <summary>Whether <paramref name="operation"/> is inside a lambda or a local function.</summary>
    public static bool InNestedFunction(IOperation operation) => FunctionRoot(operation).Parent is not null;

    /// <summary>
    /// <paramref name="root"/> and its descendants, parents first, without entering nested functions nor the
    /// operations <paramref name="skip"/> selects (which are returned, but not entered).
    /// </summary>
    public static IEnumerable<IOperation> Walk(IOperation root, System.Func<IOperation, bool>? skip = null)
    {
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            yield return operation;
            if (IsFunction(operation) || (operation != root && skip?.Invoke(operation) == true)) continue;
            var children = new List<IOperation>(operation.ChildOperations);
            for (var i = children.Count - 1; i >= 0; i--) pending.Push(children[i]);
        }
    }

    /// <summary>The operand under any implicit conversions the compiler added.</summary>
    public static IOperation WithoutConversions(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion) operation = conversion.Operand;
        return operation;
    }

    /// <summary>The local or parameter <paramref name="operation"/> reads, or null.</summary>
    public static ISymbol? VariableOf(IOperation? operation) => operation is null ? null : WithoutConversions(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>Whether <paramref name="operation"/> reads the local or parameter <paramref name="variable"/>.</summary>
    public static bool IsVariable(IOperation operation, ISymbol variable) => SymbolEqualityComparer.Default.Equals(VariableOf(operation), variable);

    /// <summary>Whether <paramref name="operation"/> is <c>this</c> or <c>base</c>, the object whose code runs.</summary>
    public static bool IsThis(IOperation? operation)
        => operation is not null && WithoutConversions(operation) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    private static bool IsFunction(IOperation operation) => operation is IAnonymousFunctionOperation or ILocalFunctionOperation;
}
