using System;
using System.Threading;
using Tessera.Infrastructure;

namespace Tessera.Protocols.Stationary;

/// <summary>
/// Reusable deadline sources on one <see cref="TimeProvider"/>. A fresh source with a timer, plus the first
/// registration on it, costs about 300 bytes; one that never fired is reset and handed to the next call instead.
/// Only for tokens that never outlive the operation they bound: a token kept past
/// <see cref="Return"/> would see a later operation's deadline.
/// </summary>
internal sealed class DeadlinePool
{
    // Enough for every call in flight at ordinary concurrency; more are disposed rather than kept.
    private const int MaxKept = 256;

    private readonly TimeProvider _time;
    private readonly ReusePool<CancellationTokenSource> _spare = new(MaxKept);

    public DeadlinePool(TimeProvider time) => _time = time;

    /// <summary>A source that cancels itself after <paramref name="delay"/>, timed by the pool's provider.</summary>
    public CancellationTokenSource Rent(TimeSpan delay)
    {
        // Created on the provider, so the CancelAfter of a later rent re-arms the provider's timer.
        if (_spare.TryRent() is not { } source) return new CancellationTokenSource(delay, _time);
        source.CancelAfter(delay);
        return source;
    }

    /// <summary>
    /// Takes back a source once nothing holds its token. One that fired cannot be reset and is disposed, and so
    /// is every source of a provider other than the system clock: the runtime resets only its own timers.
    /// </summary>
    public void Return(CancellationTokenSource source)
    {
        if (source.TryReset() && _spare.TryReturn(source)) return;
        source.Dispose();
    }
}
