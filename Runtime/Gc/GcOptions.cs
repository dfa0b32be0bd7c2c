using System;

namespace Tessera;

/// <summary>
/// How a site collects distributed garbage (see docs/gc.md). Weight does the work; leases are the backstop
/// for weight that never comes back, because its holder crashed or the message carrying it was lost.
/// </summary>
public sealed record GcOptions
{
    /// <summary>
    /// How long an exported entity survives without hearing from any holder once weight is missing. Mozart
    /// used 200 s. A holder partitioned from the home for longer than this loses the entity.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(200);

    /// <summary>How often a site renews its leases on the entities it holds; a third of the lease, so two renewals may be lost.</summary>
    public TimeSpan LeaseRenewalInterval { get; init; } = TimeSpan.FromSeconds(65);

    /// <summary>How long dropped proxies' weight may wait to be batched before it is sent home; also how often leases are checked.</summary>
    public TimeSpan WeightReturnDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The most entities one weight-return or lease-renewal message names; more go in further messages. At 1,024 a
    /// weight return is at most about 24 KB: small enough not to hold up calls queued behind it on the connection,
    /// and the frame buffers the shared array pool keeps for it stay small (docs/gc.md, "Measured").
    /// </summary>
    public int MaxEntitiesPerMessage { get; init; } = 1024;

    internal void Validate()
    {
        if (LeaseDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "The lease must be positive.");
        if (LeaseRenewalInterval <= TimeSpan.Zero || LeaseRenewalInterval >= LeaseDuration)
            throw new ArgumentOutOfRangeException(nameof(LeaseRenewalInterval), LeaseRenewalInterval, "Leases must be renewed more often than they expire.");
        if (WeightReturnDelay <= TimeSpan.Zero || WeightReturnDelay >= LeaseRenewalInterval)
            throw new ArgumentOutOfRangeException(nameof(WeightReturnDelay), WeightReturnDelay, "The weight-return delay must be positive and shorter than the renewal interval.");
        if (MaxEntitiesPerMessage < 1) throw new ArgumentOutOfRangeException(nameof(MaxEntitiesPerMessage), MaxEntitiesPerMessage, "A message must name at least one entity.");
    }
}
