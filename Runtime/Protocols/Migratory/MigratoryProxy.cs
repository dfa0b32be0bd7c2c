using System;
using System.Collections.Generic;
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
/// state while others wait beyond the calls it had when the state came. A call that finds the state here
/// runs without asking anybody; any other call first passes the <see cref="FaultGate"/> for the home.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class MigratoryProxy
{
    private readonly Lock _gate = new();
    private readonly CallQueue _calls = new();
    private readonly ForwardSlot _forward = new();
    private readonly FaultWatch _faults;
    private readonly DistributedTypeInfo _type;
    private readonly IStateCodec _codec;
    private readonly object _target;
    private readonly ProxyHandle? _handle;
    private Sharing? _sharing;
    private Presence _presence;
    private bool _passing;
    // Released by RemoteReference.Release: no call here may ask for the state again.
    private bool _retired;
    private CallRefusal? _refusal;
    private string? _lostReason;
    private long _lastHop;

    internal MigratoryProxy(DistributedTypeInfo type, IStateCodec codec, object target, ProxyHandle? imported)
    {
        _type = type;
        _codec = codec;
        _target = target;
        _faults = new FaultWatch(this);
        if (imported is null)
        {
            _presence = Presence.Here;
            return;
        }
        _handle = imported;
        _sharing = new Sharing(imported.Site, imported.Home, imported.EndpointHints, imported.ObjectKey, null);
        _presence = Presence.Empty;
        // A proxy made afresh here (the one before released or collected) starts where that one left off (see MigratoryProtocol.Remember).
        var before = imported.Site.Migratory.Remembered(imported.Home, imported.ObjectKey);
        _lastHop = before.LastHop;
        _forward.StartAt(before.ForwardFloor);
    }

    internal long LastHop
    {
        get
        {
            lock (_gate) return _lastHop;
        }
    }

    /// <summary>Waits until this call may run here: the state is here and no other call runs. Blocks the thread.</summary>
    public void Enter(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (TryEnterLocked(Environment.CurrentManagedThreadId, null, out _)) return;
        }
        CallEntry.Wait(this, cancellationToken);
    }

    /// <summary>The asynchronous form of <see cref="Enter"/>, for methods that return tasks.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken = default)
    {
        var flow = new object();
        bool entered, reentered;
        lock (_gate) entered = TryEnterLocked(0, flow, out reentered);
        // Set in the caller's flow (this method is not async), so the method body and what it awaits carry it.
        if (!reentered) RunningCall.MarkFlow(flow);
        return entered ? ValueTask.CompletedTask : new ValueTask(CallEntry.WaitAsync(this, flow, cancellationToken));
    }

    /// <summary>Ends the call: lets the next waiting call run, or hands the state on if another site asked for it.</summary>
    public void Exit()
    {
        Waiter? next;
        bool pass;
        lock (_gate)
        {
            if (!_calls.Leave()) return;
            pass = GrantOrPassLocked(out next);
        }
        Proceed(next, pass);
    }

    /// <returns>False for a copy of a state this site already had: a token goes out again when its connection drops.</returns>
    internal bool OnToken(long hop, byte[] state)
    {
        lock (_gate)
        {
            if (_lostReason is not null || hop <= _lastHop) return false;
            if (_presence == Presence.Here)
                throw new ProtocolViolationException($"The state of {Name} arrived at a site that already holds it.");
            // Claimed before the restore, so a second copy arriving meanwhile is dropped.
            _lastHop = hop;
        }
        try
        {
            _codec.RestoreObject(Site, _target, state);
        }
        catch (Exception ex)
        {
            // The bytes came from a build of the class the ticket's fingerprint vouched for, so this is a bug
            // in user serialization code or a corrupt peer: either way nobody can use the state any more.
            Lose($"it arrived but could not be decoded ({ex.GetType().Name}: {ex.Message})");
            Site.Migratory.ReportLost(this, hop);
            return true;
        }
        Waiter? next;
        bool pass, activated;
        lock (_gate)
        {
            if (_lostReason is not null) return true;
            activated = _presence == Presence.Empty;
            if (activated) Site.Migratory.Activate(this);
            _presence = Presence.Here;
            _calls.StartBatch();
            pass = GrantOrPassLocked(out next);
        }
        if (activated) _faults.Start();
        Proceed(next, pass);
        return true;
    }

    /// <summary>The manager names the site that gets the state after this one.</summary>
    internal void OnForward(Requester successor)
    {
        bool pass;
        lock (_gate)
        {
            if (_lostReason is not null || !_forward.Offer(successor)) return;
            ActivateLocked();
            pass = BeginPassLocked();
        }
        if (pass) Pass();
    }

    /// <summary>The manager skips the dead requester at <paramref name="deadHop"/>, if the state has not left for it yet.</summary>
    internal RerouteOutcome Reroute(long deadHop, Requester? successor)
    {
        RerouteOutcome outcome;
        Waiter? next = null;
        var pass = false;
        lock (_gate)
        {
            if (_lostReason is not null) return RerouteOutcome.Absent;
            outcome = _forward.Reroute(deadHop, successor, mayGetState: _presence != Presence.Empty);
            if (outcome == RerouteOutcome.Rerouted)
            {
                // A forward voided here with nothing to take its place leaves this site out of the state's path.
                if (_presence == Presence.Empty && !_forward.IsSet) Deactivate();
                else ActivateLocked();
                // With nobody left waiting for the state, calls the batch rule held back may run.
                pass = GrantOrPassLocked(out next);
            }
        }
        Proceed(next, pass);
        return outcome;
    }

    /// <summary>The state is gone for good: this reference is PermFail, and waiting and later calls fail.</summary>
    internal void Lose(string reason) => Fail(new CallRefusal(EntityName, FaultState.PermFail, reason, Name), lost: true);

    /// <summary>A final state set from outside (Break): calls here fail from now on, but the state still moves on to the sites that ask for it.</summary>
    internal void Refuse(FaultState state, string reason) => Fail(new CallRefusal(EntityName, state, reason, null), lost: false);

    /// <summary>Runs the call now if it may, else queues it (asking for the state if nobody has yet).</summary>
    internal Waiter? Queue(int thread, object? flow)
    {
        Waiter waiter;
        bool request;
        lock (_gate)
        {
            if (TryEnterLocked(thread, flow, out _)) return null;
            waiter = EnqueueLocked(thread, flow, out request);
        }
        if (!request) return waiter;
        _faults.Start();
        RequestState();
        return waiter;
    }

    private bool TryEnterLocked(int thread, object? flow, out bool reentered)
    {
        reentered = _calls.TryReenter();
        if (reentered) return true;
        // Before the fault gate, as a [Stationary] proxy does: a released reference says so at once, instead of waiting
        // for its home to recover or failing with the home's fault.
        if (_retired) throw new ReferenceReleasedException(EntityName);
        if (_refusal is { } refusal) throw refusal.ToException();
        return _calls.TryRun(thread, flow, stateAllows: _presence == Presence.Here && !_passing && !_forward.IsSet);
    }

    private Waiter EnqueueLocked(int thread, object? flow, out bool request)
    {
        var waiter = _calls.Add(thread, flow, Options.MaxWaitingCalls, Name);
        request = _presence == Presence.Empty;
        if (request)
        {
            _presence = Presence.Requested;
            Site.Migratory.Activate(this);
        }
        return waiter;
    }

    /// <summary>The next queued call, if it may run now: while a site waits, only calls queued when the state came.</summary>
    private Waiter? GrantLocked()
        => _calls.Grant(stateAllows: _lostReason is null && !_passing && _presence == Presence.Here, othersWait: _forward.IsSet);

    private bool GrantOrPassLocked(out Waiter? next)
    {
        next = GrantLocked();
        return next is null && BeginPassLocked();
    }

    private void Proceed(Waiter? next, bool pass)
    {
        next?.Signal();
        if (pass) Pass();
    }

    /// <summary>Whether the state should move on now; the state stays here, untouched, while it is encoded.</summary>
    private bool BeginPassLocked()
    {
        if (_passing || !_forward.IsSet || _calls.IsBusy || _presence != Presence.Here || _lostReason is not null) return false;
        _passing = true;
        return true;
    }

    /// <summary>
    /// Encodes the state and hands it to the successor the manager named, which a reroute may have changed
    /// (or removed) meanwhile. The token is registered as it leaves, under the lock, so a reroute always finds
    /// it. Local calls that queued meanwhile ask for the state again.
    /// </summary>
    private void Pass()
    {
        byte[] state;
        try
        {
            state = _codec.CaptureObject(Site, _target);
        }
        catch (Exception ex)
        {
            // User field types are serialized here; whatever they throw, the state cannot travel.
            long hop;
            lock (_gate)
            {
                _passing = false;
                hop = _lastHop;
            }
            Lose($"it could not be encoded to move on ({ex.GetType().Name}: {ex.Message})");
            Site.Migratory.ReportLost(this, hop);
            return;
        }
        Parcel? token = null;
        Waiter? next = null;
        var request = false;
        lock (_gate)
        {
            _passing = false;
            if (_lostReason is not null) return;
            if (_forward.IsSet)
            {
                var successor = _forward.Take();
                request = _calls.Waiting > 0;
                _presence = request ? Presence.Requested : Presence.Empty;
                if (!request) Deactivate();
                token = Site.Migratory.HoldToken(this, successor, state);
            }
            else
            {
                next = GrantLocked();
            }
        }
        if (token is not null) Site.Migratory.SendToken(this, token);
        if (request) RequestState();
        next?.Signal();
    }

    private void RequestState()
    {
        if (Manager is { } manager) manager.OnRequest(new Requester(Site.Identity, Site.EndpointHints, 0), LastHop);
        else Site.Migratory.SendRequest(this, LastHop);
    }

    /// <summary>A successor named while the state is not here yet: keep this object reachable for the state on its way.</summary>
    private void ActivateLocked()
    {
        if (_presence == Presence.Empty && _forward.IsSet) Site.Migratory.Activate(this);
    }

    /// <summary>
    /// Called under the lock once an imported proxy neither holds nor awaits the state. Its progress is remembered now,
    /// not when it is collected: a finalizer may run after the next proxy for the object was made here.
    /// </summary>
    private void Deactivate()
    {
        if (_handle is null) return;
        Site.Migratory.Deactivate(this);
        Site.Migratory.Remember(Home, Key, new ProxyProgress(_lastHop, _forward.Floor));
    }

    private void Fail(CallRefusal refusal, bool lost)
    {
        List<Waiter> failed;
        lock (_gate)
        {
            if (lost ? _lostReason is not null : _refusal is not null) return;
            if (lost)
            {
                _lostReason = refusal.Reason;
                _forward.Clear();
                Deactivate();
            }
            // A LocalFail chosen here earlier stays what this site's calls report.
            refusal = _refusal ??= refusal;
            failed = _calls.Drain();
        }
        if (lost) Cell.TrySetFinal(FaultState.PermFail, refusal.Reason);
        foreach (var waiter in failed) waiter.Fail(refusal.ToException());
    }

    /// <summary>Takes a call that gives up out of the queue.</summary>
    /// <returns>Whether its turn had come meanwhile, so it holds the object and must <see cref="Exit"/>.</returns>
    internal bool Withdraw(Waiter waiter)
    {
        lock (_gate) return _calls.Withdraw(waiter);
    }

    public override string ToString() => Name;
}
