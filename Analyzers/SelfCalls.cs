using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Decides, for one member of an <c>[Async]</c> class, whether a value is a reply to a call the object made to
/// itself (TESS0022). A variable holds the object's own async reference only if every value stored in it is one
/// (<c>new Ref(this)</c>, or another such variable), and a reply only if every value stored is a call through
/// one: any other store, or one that cannot be followed, clears it, which keeps false alarms out. Locals are
/// followed through the member's body; private fields through the class's declarations, found by name, and
/// only when every mention of the field is in the tree being analyzed, whose semantic model is at hand.
/// </summary>
internal sealed class SelfCalls
{
    private readonly INamedTypeSymbol _type;
    private readonly INamedTypeSymbol _reference;
    private readonly IOperation _body;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<ISymbol> _resolving = new(SymbolEqualityComparer.Default);

    /// <param name="type">The <c>[Async]</c> class.</param>
    /// <param name="reference">Its generated <c>Ref</c>.</param>
    /// <param name="body">The outermost operation of the member whose code waits.</param>
    public SelfCalls(INamedTypeSymbol type, INamedTypeSymbol reference, IOperation body, CancellationToken cancellationToken)
    {
        _type = type;
        _reference = reference;
        _body = body;
        _cancellationToken = cancellationToken;
    }

    public bool IsSelfReply(IOperation value)
        => IsSelfCall(value) || OperationTree.WithoutConversions(value) is ILocalReferenceOperation local && HoldsOnly(local.Local, IsSelfCall);

    private bool IsSelfCall(IOperation value)
        => OperationTree.WithoutConversions(value) is IInvocationOperation { Instance: { } receiver } call
           && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _reference)
           && IsSelfReference(receiver);

    private bool IsSelfReference(IOperation value) => OperationTree.WithoutConversions(value) switch
    {
        IObjectCreationOperation creation => SymbolEqualityComparer.Default.Equals(creation.Type, _reference)
                                             && creation.Arguments.Length == 1
                                             && OperationTree.IsThis(creation.Arguments[0].Value),
        ILocalReferenceOperation local => HoldsOnly(local.Local, IsSelfReference),
        IFieldReferenceOperation field => OperationTree.IsThis(field.Instance) && HoldsOnly(field.Field, IsSelfReference),
        _ => false,
    };

    /// <summary>Whether <paramref name="variable"/> is stored into at least once, and only with values <paramref name="kind"/> accepts.</summary>
    private bool HoldsOnly(ISymbol variable, System.Func<IOperation, bool> kind)
    {
        // A variable met again while it is being resolved is a cycle of stores, which proves nothing.
        if (!_resolving.Add(variable)) return false;
        try
        {
            var stores = variable is IFieldSymbol field ? FieldStores(field) : LocalStores((ILocalSymbol)variable);
            return stores is { Count: > 0 } && stores.All(v => v is not null && kind(v));
        }
        finally
        {
            _resolving.Remove(variable);
        }
    }

    private List<IOperation?> LocalStores(ILocalSymbol local)
    {
        var stores = new List<IOperation?>();
        // Lambdas included: one that assigns the local changes what it holds.
        foreach (var operation in _body.DescendantsAndSelf())
        {
            if (operation is IVariableDeclaratorOperation { Initializer: { } initializer } declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                stores.Add(initializer.Value);
            else if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local) && IsStore(reference, out var value))
                stores.Add(value);
        }
        return stores;
    }

    /// <summary>The values stored in <paramref name="field"/> anywhere in the class, or null when they cannot all be seen.</summary>
    private List<IOperation?>? FieldStores(IFieldSymbol field)
    {
        if (field.DeclaredAccessibility != Accessibility.Private || !SymbolEqualityComparer.Default.Equals(field.ContainingType, _type)) return null;
        if (field.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_cancellationToken) is VariableDeclaratorSyntax { Initializer: not null })) return null;
        var model = _body.SemanticModel;
        var stores = new List<IOperation?>();
        foreach (var declaration in _type.DeclaringSyntaxReferences)
        {
            var mentions = declaration.GetSyntax(_cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>().Where(n => n.Identifier.ValueText == field.Name);
            foreach (var mention in mentions)
            {
                if (model is null || mention.SyntaxTree != model.SyntaxTree) return null;
                var node = mention.Parent is MemberAccessExpressionSyntax access && access.Name == mention ? access : (ExpressionSyntax)mention;
                if (model.GetOperation(node, _cancellationToken) is not IFieldReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Field, field)) continue;
                if (IsStore(reference, out var value)) stores.Add(OperationTree.IsThis(reference.Instance) ? value : null);
            }
        }
        return stores;
    }

    /// <summary>
    /// Whether <paramref name="reference"/> is stored into, with <paramref name="value"/> the value when it is exactly
    /// known (<c>=</c> and <c>??=</c>) and null for any other store (compound, <c>ref</c>/<c>out</c>, deconstruction).
    /// </summary>
    private static bool IsStore(IOperation reference, out IOperation? value)
    {
        value = null;
        switch (reference.Parent)
        {
            case IAssignmentOperation assignment when assignment.Target == reference:
                if (assignment is ISimpleAssignmentOperation or ICoalesceAssignmentOperation) value = assignment.Value;
                return true;
            case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
            case ITupleOperation:
            case IDeclarationExpressionOperation:
                return true;
            default:
                return false;
        }
    }
}
