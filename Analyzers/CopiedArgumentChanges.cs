using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Values a remote call copies that the caller can still change in place (TESS0024), and the operations that
/// change them: element and member stores, and the BCL's mutating collection methods. Other methods of a
/// <c>[MemoryPackable]</c> class may change it too, but nothing here can tell which, so they are not counted.
/// </summary>
internal static class CopiedArgumentChanges
{
    private static readonly ImmutableHashSet<string> Collections = ImmutableHashSet.Create(
        "System.Collections.Generic.List`1", "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.LinkedList`1",
        "System.Collections.Generic.SortedSet`1", "System.Collections.Generic.SortedList`2", "System.Collections.Generic.SortedDictionary`2",
        "System.Collections.Generic.PriorityQueue`2", "System.Collections.ObjectModel.Collection`1", "System.Collections.ObjectModel.ObservableCollection`1",
        "System.Collections.Concurrent.ConcurrentBag`1", "System.Collections.Concurrent.ConcurrentQueue`1", "System.Collections.Concurrent.ConcurrentStack`1",
        "System.Collections.Concurrent.ConcurrentDictionary`2", "System.Collections.Generic.ICollection`1", "System.Collections.Generic.IList`1",
        "System.Collections.Generic.IDictionary`2", "System.Collections.Generic.ISet`1", "System.Text.StringBuilder", "System.Collections.BitArray");

    private static readonly ImmutableHashSet<string> Mutators = ImmutableHashSet.Create(
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear", "Sort", "Reverse",
        "Push", "Pop", "Enqueue", "Dequeue", "TryAdd", "TryRemove", "TryPop", "TryDequeue", "TryTake", "TryUpdate", "AddOrUpdate", "GetOrAdd",
        "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith", "AddFirst", "AddLast", "AddBefore", "AddAfter", "RemoveFirst", "RemoveLast",
        "Append", "AppendLine", "AppendFormat", "AppendJoin", "Replace", "Set", "SetAll", "And", "Or", "Xor", "Not", "LeftShift", "RightShift");

    private static readonly ImmutableHashSet<string> ArrayMutators = ImmutableHashSet.Create("Clear", "Fill", "Sort", "Reverse");

    /// <summary>Whether a remote call copies values of <paramref name="type"/> that can be changed in place afterwards.</summary>
    public static bool IsChangeableCopy(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol => true,
        INamedTypeSymbol { IsReferenceType: true } named => IsCollection(named) || WireTypes.HasMemoryPackable(named),
        _ => false,
    };

    /// <summary>Whether <paramref name="operation"/> changes the contents of the object in <paramref name="variable"/> (not the variable itself).</summary>
    public static bool Changes(IOperation operation, ISymbol variable) => operation switch
    {
        IDeconstructionAssignmentOperation => false,
        IAssignmentOperation assignment => ChangesContent(assignment.Target, variable),
        IIncrementOrDecrementOperation step => ChangesContent(step.Target, variable),
        IInvocationOperation { Instance: { } receiver } call => OperationTree.IsVariable(receiver, variable) && Mutators.Contains(call.TargetMethod.Name)
                                                                 && receiver.Type is INamedTypeSymbol type && IsCollection(type),
        IInvocationOperation call => call.TargetMethod.ContainingType.SpecialType == SpecialType.System_Array && ArrayMutators.Contains(call.TargetMethod.Name)
                                     && call.Arguments.Any(a => a.Parameter?.Ordinal == 0 && OperationTree.IsVariable(a.Value, variable)),
        _ => false,
    };

    private static bool ChangesContent(IOperation target, ISymbol variable) => OperationTree.WithoutConversions(target) switch
    {
        IArrayElementReferenceOperation element => OperationTree.IsVariable(element.ArrayReference, variable),
        IPropertyReferenceOperation { Instance: { } instance } => OperationTree.IsVariable(instance, variable),
        IFieldReferenceOperation { Instance: { } instance } => OperationTree.IsVariable(instance, variable),
        _ => false,
    };


    private static bool IsCollection(INamedTypeSymbol type) => Collections.Contains(WireTypes.MetadataName(type.ConstructedFrom));
}
