using System;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Protocols.Async;

namespace Tessera.Infrastructure;

/// <summary>
/// The runtime half of a generated async reference (<c>T.Ref</c>): it reaches the object's executor
/// directly when the object lives here, or sends async calls to its home. Members whose names start
/// with two underscores are for the generated subclass only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class AsyncReference<T> : IAsyncReference
    where T : class
{
    private readonly T _object;
    private readonly AsyncTypeInfo<T> _type;
    private readonly ProxyHandle? _handle;
    private readonly ActiveObject? _executor;
    private AsyncChannel? _route;

    /// <param name="target">The object itself, or a proxy for it (then calls go to its home site).</param>
    /// <param name="type">The class's generated type info.</param>
    protected AsyncReference(T target, AsyncTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(target);
        _object = target;
        _type = type;
        if (target is IDistributedProxy proxy) _handle = proxy.TesseraHandle;
        else _executor = ActiveObject.Of(target);
    }

    /// <summary>Issues a one-shot ticket for the object; only its home site can offer it.</summary>
    public string Offer(Site site) => site.Offer(_object, _type, unlimited: false);

    /// <summary>Issues a ticket any number of sites may take until it is retracted or the site stops.</summary>
    public string OfferUnlimited(Site site) => site.Offer(_object, _type, unlimited: true);

    /// <summary>The object, or its proxy: what travels when this reference is passed to another site.</summary>
    internal T Target => _object;

    object IAsyncReference.Target => _object;

    protected bool __IsLocal => _executor is not null;

    /// <summary>The site whose connection carries remote calls, for encoding their arguments.</summary>
    protected Site __Site => _handle?.Site ?? throw new InvalidOperationException("A local async reference has no site.");

    protected Dataflow<TResult> __Local<TResult>(Func<T, TResult> body, CancellationToken cancellationToken)
    {
        var reply = new Dataflow<TResult>();
        Post(new LocalCall<T, TResult>(_object, body, reply), reply, cancellationToken);
        return reply;
    }

    protected Dataflow<TResult> __LocalAsync<TResult>(Func<T, Task<TResult>> body, CancellationToken cancellationToken)
    {
        var reply = new Dataflow<TResult>();
        Post(new LocalAsyncCall<T, TResult>(_object, body, reply), reply, cancellationToken);
        return reply;
    }

    protected Dataflow __LocalVoid(Action<T> body, CancellationToken cancellationToken)
        => new(__Local(target =>
        {
            body(target);
            return true;
        }, cancellationToken));

    protected Dataflow __LocalVoidAsync(Func<T, Task> body, CancellationToken cancellationToken)
        => new(__LocalAsync(async target =>
        {
            await body(target).ConfigureAwait(false);
            return true;
        }, cancellationToken));

    protected void __LocalSend(Action<T> body, CancellationToken cancellationToken)
        => _executor!.Post(new LocalSend<T>(_object, body, _executor), Dataflow.DefaultTimeout, cancellationToken);

    protected Dataflow<TResult> __Remote<TResult>(uint methodId, EncodedBytes arguments, Func<Site, EncodedBytes, TResult> decode, CancellationToken cancellationToken)
        => _handle!.Site.AsyncCalls.Call(_handle, ref _route, methodId, arguments, decode, cancellationToken);

    protected Dataflow __RemoteVoid(uint methodId, EncodedBytes arguments, CancellationToken cancellationToken)
        => new(_handle!.Site.AsyncCalls.Call(_handle, ref _route, methodId, arguments, static (_, _) => true, cancellationToken));

    protected void __RemoteSend(uint methodId, EncodedBytes arguments, CancellationToken cancellationToken)
        => _handle!.Site.AsyncCalls.Send(_handle, methodId, arguments, cancellationToken);

    /// <summary>Two async references are equal when they reach the same object.</summary>
    public override bool Equals(object? obj) => obj is AsyncReference<T> other && ReferenceEquals(_object, other._object);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_object);

    public override string ToString() => _handle is null ? $"{_type.TypeName} (active, local)" : $"{_type.TypeName} (active, at {_handle})";

    /// <summary>
    /// Waits for mailbox room like a remote call waits for window room; failures go to the reply variable.
    /// Cancelling the token fails the variable at once, as for a remote call; the method has the token itself.
    /// </summary>
    private void Post<TResult>(ActiveWork work, Dataflow<TResult> reply, CancellationToken cancellationToken)
    {
        try
        {
            _executor!.Post(work, Dataflow.DefaultTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            reply.TryFailFromProtocol(ex);
            return;
        }
        if (!cancellationToken.CanBeCanceled || reply.IsDetermined) return;
        var registration = cancellationToken.UnsafeRegister(static (state, token) => ((Dataflow<TResult>)state!).TryFailFromProtocol(new OperationCanceledException(token)), reply);
        reply.Determined.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(registration.Dispose);
    }
}
