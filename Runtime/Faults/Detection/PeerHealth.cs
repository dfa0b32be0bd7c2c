using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.FailureDetection;

/// <summary>
/// What this site believes about one peer incarnation: <see cref="FaultState.Ok"/>, <see cref="FaultState.TempFail"/>
/// or, finally, <see cref="FaultState.PermFail"/>. Every entity homed there inherits it.
/// </summary>
internal sealed class PeerHealth
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private FaultState _state;
    private long _failingSince;

    public PeerHealth(SiteIdentity peer) => Peer = peer;

    public SiteIdentity Peer { get; }

    public FaultState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    public string Reason { get; private set; } = "";

    /// <summary>Raised after each transition, outside the lock, with the new state.</summary>
    public event Action<FaultState>? Changed;

    /// <summary>Completes at the next transition.</summary>
    public Task NextChange
    {
        get
        {
            lock (_gate) return _changed.Task;
        }
    }

    /// <summary>When the connection broke or a dial failed, for the grace period; 0 while reachable.</summary>
    public long FailingSince
    {
        get
        {
            lock (_gate) return _failingSince;
        }
    }

    /// <returns>True if this changed the state.</returns>
    public bool TrySet(FaultState state, string reason, long failingSince = 0)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_state == FaultState.PermFail) return false;
            if (state == FaultState.TempFail && failingSince != 0 && _failingSince == 0) _failingSince = failingSince;
            if (state == FaultState.Ok) _failingSince = 0;
            if (_state == state) return false;
            _state = state;
            Reason = reason;
            signal = _changed;
            _changed = NewSignal();
        }
        signal.TrySetResult();
        Changed?.Invoke(state);
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
