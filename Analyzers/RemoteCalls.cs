using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Which calls may cross sites: a remotable method on a distributed object, or any method of an <c>[Async]</c>
/// object's generated <c>Ref</c>, made on another reference than <c>this</c> (a call on <c>this</c> runs
/// directly, whatever the object is).
/// </summary>
internal static class RemoteCalls
{
    public static RemoteTarget? Of(IInvocationOperation invocation, DistributionAttributes attributes)
    {
        // The method first: the receiver is an operation the compiler may still have to create.
        var target = Target(invocation.TargetMethod, attributes);
        return target is null || invocation.Instance is null || OperationTree.IsThis(invocation.Instance) ? null : target;
    }

    private static RemoteTarget? Target(IMethodSymbol method, DistributionAttributes attributes)
    {
        if (method.IsStatic) return null;
        var type = method.ContainingType;
        // Ref's own methods are the generated forwarders; Offer, Equals and the like come from its runtime base.
        if (attributes.AsyncReferenceOwner(type) is not null) return method.MethodKind == MethodKind.Ordinary ? RemoteTarget.AsyncReference : null;
        // Flags first: most calls in a compilation are on types whose attributes need not be read.
        if (!DistributedSymbols.IsRemotable(method)) return null;
        return attributes.KindOf(type) switch
        {
            DistributionKind.Stationary => RemoteTarget.Stationary,
            DistributionKind.Cached => RemoteTarget.Cached,
            DistributionKind.Async => RemoteTarget.Async,
            _ => null,
        };
    }
}
