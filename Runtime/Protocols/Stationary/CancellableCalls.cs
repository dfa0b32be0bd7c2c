using System.Collections.Concurrent;
using Tessera.Sites;

namespace Tessera.Protocols.Stationary;

/// <summary>
/// The calls at home that a <c>CancelCall</c> can reach: only those whose method asked for its token, since
/// cancelling any other changes nothing. Most methods never ask, so most calls never enter the table. A
/// <c>CancelCall</c> that comes before its method asks (the call still queued, or just starting) is kept until
/// the method does; at most <see cref="MaxUnclaimed"/> are kept, and one forgotten leaves its call to end by
/// its deadline at home.
/// </summary>
internal sealed class CancellableCalls
{
    public const int MaxUnclaimed = 1024;

    private readonly ConcurrentDictionary<(PeerConnection Caller, long CallId), RunningCall> _watched = new();
    private readonly ConcurrentDictionary<(PeerConnection Caller, long CallId), bool> _unclaimed = new();

    public int Count => _watched.Count;

    /// <summary>The caller gave up on call <paramref name="callId"/>.</summary>
    public void Cancel(PeerConnection caller, long callId)
    {
        var key = (caller, callId);
        if (_unclaimed.Count >= MaxUnclaimed) _unclaimed.Clear();
        // Kept before looking: a call that starts watching meanwhile finds it (Watch adds, then looks).
        _unclaimed[key] = true;
        if (!_watched.TryGetValue(key, out var call)) return;
        _unclaimed.TryRemove(key, out _);
        // The call may end, and its object serve another, right now: it checks the call is still this one.
        call.Cancel(caller, callId);
    }

    /// <summary>The method asked for its token: from now on a <c>CancelCall</c> finds the call.</summary>
    /// <returns>True if a <c>CancelCall</c> came first.</returns>
    public bool Watch(RunningCall call)
    {
        var key = (call.Caller, call.Request.CallId);
        _watched[key] = call;
        return _unclaimed.TryRemove(key, out _);
    }

    public void Unwatch(RunningCall call) => _watched.TryRemove(new((call.Caller, call.Request.CallId), call));
}
