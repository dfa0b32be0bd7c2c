using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Infrastructure;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// One site's side of one <c>[Cached]</c> object: whether its state is here, requested or elsewhere, and the
/// calls waiting for it. Generated code brackets every remotable call with <see cref="Enter"/> and
/// <see cref="Exit"/>, so calls on one object run one at a time, on whichever site holds the state.
/// </summary>
/// <remarks>
/// When the state arrives, the calls queued here at that moment run, then the state moves on if another
/// site asked for it; calls queued later ask again and wait their turn at the manager, so no site keeps the
/// state while others wait beyond the calls it had when the state came.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MigratoryProxy
{
    private enum Presence
    {
        Empty,
        Requested,
        Here,
    }

    private static readonly SiteOptions UnsharedOptions = new();

    private readonly Lock _gate = new();
    private readonly WaiterQueue _waiters = new();
    private readonly DistributedTypeInfo _type;
    private readonly IStateCodec _codec;
    private readonly object _target;
    private readonly ProxyHandle? _handle;
    private Site? _site;
    private SiteIdentity _home;
    private ImmutableArray<string> _homeHints;
    private ulong _key;
    private MigratoryManager? _manager;
    private Presence _presence;
    private readonly RunningCall _running = new();
    private Requester? _forward;
    private string? _lostReason;
    private long _lastHop;

    internal MigratoryProxy(DistributedTypeInfo type, IStateCodec codec, object target, ProxyHandle? imported)
    {
        _type = type;
        _codec = codec;
        _target = target;
        if (imported is null)
        {
            _presence = Presence.Here;
            return;
        }
        _handle = imported;
        _site = imported.Site;
        _home = imported.Home;
        _homeHints = imported.EndpointHints;
        _key = imported.ObjectKey;
        _presence = Presence.Empty;
        _lastHop = -1;
    }

    internal SiteIdentity Home => _home;

    internal ImmutableArray<string> HomeHints => _homeHints;

    internal ulong Key => _key;

    internal bool IsImported => _handle is not null;

    /// <summary>For an imported object, the reference to its home; null for the home object itself.</summary>
    internal ProxyHandle? Handle => _handle;

    internal long LastHop
    {
        get
        {
            lock (_gate) return _lastHop;
        }
    }

    internal string Name => $"{_type.TypeName}#{_key:x16}@{_home}";

    private SiteOptions Options => _site?.Options ?? UnsharedOptions;

    /// <summary>Waits until this call may run here: the state is here and no other call runs. Blocks the thread.</summary>
    public void Enter(CancellationToken cancellationToken = default)
    {
        Waiter waiter;
        bool request;
        lock (_gate)
        {
            if (TryEnterLocked(Environment.CurrentManagedThreadId, null, out _)) return;
            waiter = EnqueueLocked(Environment.CurrentManagedThreadId, null, out request);
        }
        if (request) RequestState();
        using var deadline = new WaitDeadline(Options, cancellationToken);
        try
        {
            waiter.Turn.Wait(deadline.Token);
        }
        catch (OperationCanceledException ex)
        {
            throw GiveUp(waiter, deadline, ex);
        }
        catch (AggregateException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
        }
    }

    /// <summary>The asynchronous form of <see cref="Enter"/>, for methods that return tasks.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken = default)
    {
        Waiter? waiter = null;
        bool request = false, reentered;
        var flow = new object();
        lock (_gate)
        {
            if (!TryEnterLocked(0, flow, out reentered)) waiter = EnqueueLocked(0, flow, out request);
        }
        // Set in the caller's flow (this method is not async), so the method body and what it awaits carry it.
        if (!reentered) RunningCall.MarkFlow(flow);
        if (waiter is null) return ValueTask.CompletedTask;
        if (request) RequestState();
        return new ValueTask(WaitAsync(waiter, cancellationToken));
    }

    /// <summary>Ends the call: lets the next waiting call run, or hands the state on if another site asked for it.</summary>
    public void Exit()
    {
        Waiter? next;
        Requester? successor = null;
        var request = false;
        lock (_gate)
        {
            if (!_running.Leave()) return;
            next = GrantLocked();
            if (next is null) successor = TakeForwardLocked(out request);
        }
        next?.Signal();
        if (successor is { } to) Pass(to, request);
    }

    /// <summary>Makes this home object reachable from <paramref name="site"/> under <paramref name="key"/>; from then on its state can move.</summary>
    internal void Share(Site site, ulong key)
    {
        lock (_gate)
        {
            if (_handle is not null)
                throw new NotSupportedException($"This {_type.TypeName} is a reference to an object at site {_home}; offer it from its home site, or pass the reference itself.");
            if (_site is not null)
            {
                if (_site != site) throw new InvalidOperationException($"{Name} is already shared by {_site}; a [Cached] object can be shared by one site only.");
                return;
            }
            _site = site;
            _home = site.Identity;
            _homeHints = site.EndpointHints;
            _key = key;
            _manager = new MigratoryManager(this, site.Migratory, new Requester(site.Identity, site.EndpointHints, 0));
        }
        site.Migratory.RegisterHome(this);
    }

    /// <summary>
    /// Nothing outside refers to this home object any more, so it stops being shared (and may be shared
    /// again under a new key). Its state is here then, since a site that holds or awaits it keeps its weight,
    /// unless a lease reclaimed the object from a silent holder, which took the state with it.
    /// </summary>
    internal void Unshare(Site site)
    {
        bool here;
        ulong key;
        lock (_gate)
        {
            if (_site != site || _handle is not null) return;
            key = _key;
            here = _presence == Presence.Here && _lostReason is null;
            if (here)
            {
                _site = null;
                _manager = null;
                _home = default;
                _homeHints = default;
                _key = 0;
                _lastHop = 0;
                _forward = null;
            }
        }
        site.Migratory.UnregisterHome(this, key);
        if (!here) Lose("its lease ran out while a site that went silent held or awaited its state");
    }

    /// <summary>Whether this imported object holds or awaits the state, so dropping it now would strand the state.</summary>
    internal bool IsActive
    {
        get
        {
            lock (_gate) return _presence != Presence.Empty && _lostReason is null;
        }
    }

    internal MigratoryManager? Manager => _manager;

    internal void OnToken(long hop, byte[] state)
    {
        lock (_gate)
        {
            if (_lostReason is not null) return;
            if (_presence == Presence.Here)
                throw new ProtocolViolationException($"The state of {Name} arrived at a site that already holds it.");
        }
        try
        {
            _codec.RestoreObject(_site!, _target, state);
        }
        catch (Exception ex)
        {
            // The bytes came from a build of the class the ticket's fingerprint vouched for, so this is a bug
            // in user serialization code or a corrupt peer: either way nobody can use the state any more.
            Lose($"it arrived but could not be decoded ({ex.GetType().Name}: {ex.Message})");
            return;
        }
        Waiter? next;
        Requester? successor = null;
        var request = false;
        lock (_gate)
        {
            _lastHop = hop;
            if (_presence == Presence.Empty) _site!.Migratory.Activate(this);
            _presence = Presence.Here;
            _waiters.StartBatch();
            next = GrantLocked();
            if (next is null) successor = TakeForwardLocked(out request);
        }
        next?.Signal();
        if (successor is { } to) Pass(to, request);
    }

    /// <summary>The manager names the site that gets the state after this one.</summary>
    internal void OnForward(Requester successor)
    {
        Requester? now;
        bool request;
        lock (_gate)
        {
            if (_lostReason is not null) return;
            if (_presence == Presence.Empty)
                throw new ProtocolViolationException($"The manager of {Name} forwarded a request to a site that neither has nor awaits its state.");
            _forward = successor;
            now = TakeForwardLocked(out request);
        }
        if (now is { } to) Pass(to, request);
    }

    /// <summary>The state is gone for good: waiting and later calls fail with <see cref="CachedStateLostException"/>.</summary>
    internal void Lose(string reason)
    {
        List<Waiter> failed;
        lock (_gate)
        {
            if (_lostReason is not null) return;
            _lostReason = reason;
            _forward = null;
            failed = _waiters.Drain();
            Deactivate();
        }
        foreach (var waiter in failed) waiter.Fail(Lost());
    }

    /// <summary>The request for the state could not be sent: fails the calls waiting for it, which may retry.</summary>
    internal void FailWaiting(Exception reason)
    {
        List<Waiter> failed;
        lock (_gate)
        {
            if (_presence != Presence.Requested) return;
            _presence = Presence.Empty;
            failed = _waiters.Drain();
            Deactivate();
        }
        foreach (var waiter in failed) waiter.Fail(reason);
    }

    private bool TryEnterLocked(int thread, object? flow, out bool reentered)
    {
        reentered = false;
        if (_lostReason is not null) throw Lost();
        if (_running.IsBusy)
        {
            reentered = _running.TryReenter();
            return reentered;
        }
        if (_presence != Presence.Here || _forward is not null || _waiters.Count > 0) return false;
        _running.Own(thread, flow);
        return true;
    }

    private Waiter EnqueueLocked(int thread, object? flow, out bool request)
    {
        if (_waiters.Count >= Options.MaxWaitingCalls) throw new CallQueueFullException(Name, Options.MaxWaitingCalls);
        var waiter = new Waiter(thread, flow);
        _waiters.Add(waiter);
        request = _presence == Presence.Empty;
        if (request)
        {
            _presence = Presence.Requested;
            _site!.Migratory.Activate(this);
        }
        return waiter;
    }

    /// <summary>The next queued call, if it may run now: while a site waits, only calls queued when the state came.</summary>
    private Waiter? GrantLocked()
    {
        if (_lostReason is not null || _running.IsBusy || _presence != Presence.Here) return null;
        if (_waiters.TakeNext(othersWait: _forward is not null) is not { } waiter) return null;
        _running.Own(waiter.Thread, waiter.Flow);
        waiter.Granted = true;
        return waiter;
    }

    private Requester? TakeForwardLocked(out bool request)
    {
        request = false;
        if (_forward is not { } successor || _running.IsBusy || _presence != Presence.Here || _lostReason is not null) return null;
        _forward = null;
        request = _waiters.Count > 0;
        _presence = request ? Presence.Requested : Presence.Empty;
        if (!request) Deactivate();
        return successor;
    }

    /// <summary>Encodes the state and sends it on; local calls that queued meanwhile ask for it again.</summary>
    private void Pass(Requester successor, bool request)
    {
        byte[] state;
        try
        {
            state = _codec.CaptureObject(_site!, _target);
        }
        catch (Exception ex)
        {
            // User field types are serialized here; whatever they throw, the state cannot travel.
            Lose($"it could not be encoded to move to site {successor.Site} ({ex.GetType().Name}: {ex.Message})");
            return;
        }
        _site!.Migratory.SendToken(this, successor, state);
        if (request) RequestState();
    }

    private void RequestState()
    {
        if (_manager is { } manager) manager.OnRequest(new Requester(_site!.Identity, _site.EndpointHints, 0), LastHop);
        else _site!.Migratory.SendRequest(this, LastHop);
    }

    private void Deactivate()
    {
        if (_handle is not null) _site?.Migratory.Deactivate(this);
    }

    private async Task WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        using var deadline = new WaitDeadline(Options, cancellationToken);
        try
        {
            await waiter.Turn.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            throw GiveUp(waiter, deadline, ex);
        }
    }

    /// <summary>Leaves the queue; a turn granted at the same moment is handed on, since nobody will use it.</summary>
    private Exception GiveUp(Waiter waiter, WaitDeadline deadline, OperationCanceledException reason)
    {
        bool granted;
        lock (_gate)
        {
            granted = waiter.Granted;
            _waiters.Remove(waiter);
        }
        if (granted) Exit();
        if (waiter.Turn.IsFaulted && waiter.Turn.Exception?.InnerException is { } failure) return failure;
        return deadline.Expired ? new StateWaitTimeoutException(Name, Options.DefaultCallTimeout, reason) : reason;
    }

    private CachedStateLostException Lost() => new(Name, _lostReason ?? "");

    public override string ToString() => Name;
}
