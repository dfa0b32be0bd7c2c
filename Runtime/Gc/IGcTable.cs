using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Tessera.Gc;

/// <summary>
/// A table of entities whose weight the site's garbage collector accounts for (<see cref="Wire.EntityTable"/>):
/// as their home (weight coming back, leases renewed or run out) and as a holder of proxies for other homes'.
/// </summary>
internal interface IGcTable
{
    void OnWeightReturned(ulong key, ReadOnlySpan<Credit> credits);

    /// <summary><paramref name="holder"/> renews its leases on <paramref name="keys"/>.</summary>
    void RenewLeases(Sites.PeerConnection holder, ReadOnlySpan<ulong> keys);

    /// <summary>Drops every entry whose lease ran out; returns their keys.</summary>
    List<ulong> ReclaimExpiredLeases();

    /// <summary>The entities this site holds live proxies for, by home: what its lease renewals name.</summary>
    Dictionary<SiteIdentity, (ImmutableArray<string> Hints, List<ulong> Keys)> HeldByHome();
}
