using System;

namespace Tessera;

/// <summary>
/// Failure detection (docs/faults.md). A link that has sent nothing for <see cref="HeartbeatInterval"/>
/// sends a heartbeat; a peer silent for longer than the adaptive bound is <see cref="FaultState.TempFail"/>;
/// a peer whose connection broke and that cannot be reached again within <see cref="PermFailGrace"/>, or
/// that answers as a new incarnation, or says it is stopping, is <see cref="FaultState.PermFail"/>.
/// </summary>
public sealed record FaultOptions
{
    /// <summary>How long a link may stay idle before it carries a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least slack past the heartbeat interval before silence means TempFail. The slack is Mozart's
    /// round-trip bound, avg + max(mdev, avg), but never less than this, since loopback round trips of
    /// microseconds would otherwise turn every GC pause or busy moment of a peer into a fault. The default
    /// (3 s of silence in all) is Akka's order of magnitude; lower it where faster detection is worth
    /// spurious TempFails.
    /// </summary>
    public TimeSpan MinimumSilenceSlack { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a peer whose connection broke may take to be reachable again before it is PermFail.</summary>
    public TimeSpan PermFailGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The default for operations on entities in TempFail; references can override it (<see cref="Faults.SetDetection"/>).</summary>
    public FaultDetection Detection { get; init; } = FaultDetection.ThrowOnUse;

    /// <summary>How often a broken peer is redialed: often enough to meet a restarted incarnation soon, within the grace period.</summary>
    internal TimeSpan ReconnectInterval => TimeSpan.FromTicks(Math.Clamp(PermFailGrace.Ticks / 8, TimeSpan.FromMilliseconds(50).Ticks, Math.Max(TimeSpan.FromMilliseconds(50).Ticks, HeartbeatInterval.Ticks)));

    internal void Validate()
    {
        if (HeartbeatInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "The heartbeat interval must be positive.");
        if (MinimumSilenceSlack < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MinimumSilenceSlack), MinimumSilenceSlack, "The silence slack cannot be negative.");
        if (PermFailGrace <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PermFailGrace), PermFailGrace, "The grace period must be positive.");
        if (!Enum.IsDefined(Detection)) throw new ArgumentOutOfRangeException(nameof(Detection), Detection, "Unknown detection mode.");
    }
}
