using System;
using System.ComponentModel;
using System.Threading.Tasks;
using Tessera.Protocols.Async;

namespace Tessera.Infrastructure;

/// <summary>Lets the async protocol dispatch to any <c>[Async]</c> class without knowing its type.</summary>
internal interface IActiveType
{
    ValueTask<EncodedBytes> InvokeDirectAsync(object target, uint methodId, EncodedBytes arguments, InvocationContext context);
}

/// <summary>
/// The generated description of an <c>[Async]</c> class <typeparamref name="T"/>. Every call reaches
/// the object through its executor, one at a time, including blocking calls made through a plain
/// <typeparamref name="T"/> proxy (which travel as stationary calls).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class AsyncTypeInfo<T> : DistributedTypeInfo<T>, IActiveType
    where T : class
{
    protected AsyncTypeInfo(string typeName, ulong fingerprint) : base(typeName, fingerprint) { }

    /// <summary>Runs method <paramref name="methodId"/> on the home instance and returns the encoded result; the arguments are read before this returns.</summary>
    public abstract ValueTask<EncodedBytes> InvokeAsync(T target, uint methodId, EncodedBytes arguments, InvocationContext context);

    ValueTask<EncodedBytes> IActiveType.InvokeDirectAsync(object target, uint methodId, EncodedBytes arguments, InvocationContext context)
        => InvokeAsync((T)target, methodId, arguments, context);

    internal sealed override ValueTask<EncodedBytes> InvokeObjectAsync(object target, uint methodId, EncodedBytes arguments, InvocationContext context)
    {
        // The call runs later, behind the object's other calls, after the caller has given its arguments back.
        var work = new BridgedCall(this, target, methodId, EncodedBytes.Of(arguments.ToArray()), context);
        if (!ActiveObject.Of(target).TryPost(work))
            throw new ActiveObjectOverloadedException($"{TypeName}'s mailbox is full ({ActiveObject.MailboxCapacity} calls); the call did not run.");
        return new ValueTask<EncodedBytes>(work.Result);
    }

    /// <summary>A stationary-protocol call on an active object, queued behind the object's other calls.</summary>
    private sealed class BridgedCall(IActiveType type, object target, uint methodId, EncodedBytes arguments, InvocationContext context) : ActiveWork
    {
        private readonly TaskCompletionSource<EncodedBytes> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<EncodedBytes> Result => _result.Task;

        public override async ValueTask RunAsync()
        {
            try
            {
                _result.TrySetResult(await type.InvokeDirectAsync(target, methodId, arguments, context).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                _result.TrySetException(ex);
            }
        }
    }
}
