using Tessera.Infrastructure;

namespace Tessera.Gc;

/// <summary>
/// Lease times as stamps of the site's monotonic clock (<see cref="CoarseClock"/>), never its wall clock: a wall clock
/// stepped forward at home would free what live holders renew, and one stepped back at a holder would stop its renewals.
/// </summary>
internal readonly struct LeaseClock
{
    private readonly CoarseClock _clock;
    private readonly long _leaseStamps;

    public LeaseClock(SiteOptions options)
    {
        _clock = new CoarseClock(options.TimeProvider);
        _leaseStamps = _clock.StampsIn(options.Gc.LeaseDuration);
    }

    public long Now => _clock.Now;

    /// <summary>When a lease renewed now runs out.</summary>
    public long ExpiryFromNow => Now + _leaseStamps;
}
