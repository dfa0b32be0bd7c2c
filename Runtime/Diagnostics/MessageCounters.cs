using System;
using System.Collections.Generic;
using System.Threading;
using Tessera.Wire;

namespace Tessera;

/// <summary>
/// Messages this site sent and received, by kind. Handshake frames are not messages and are not
/// counted, so a stationary call on a live connection shows exactly one Call and one Reply.
/// Heartbeats and their acks are link upkeep, not protocol traffic: they are counted by kind but left
/// out of <see cref="TotalSent"/> and <see cref="TotalReceived"/>, which would otherwise grow while idle.
/// </summary>
public sealed class MessageCounters
{
    private static readonly MessageKind[] Kinds = Enum.GetValues<MessageKind>();

    // Indexed by the kind's value; protocols own ranges of values, so the arrays span the largest.
    private static readonly int Slots = (int)Kinds[^1] + 1;

    // Names looked up, not formatted: Enum.ToString boxes, and this runs for every message.
    private static readonly string[] Names = NamesByValue();
    private readonly long[] _sent = new long[Slots];
    private readonly long[] _received = new long[Slots];

    internal MessageCounters(SiteIdentity site) => SiteTag = new("site", site.ToString());

    /// <summary>The <c>site</c> tag on this site's measurements, so several sites in one process stay apart.</summary>
    internal KeyValuePair<string, object?> SiteTag { get; }

    public long Sent(MessageKind kind) => Volatile.Read(ref _sent[(int)kind]);

    public long Received(MessageKind kind) => Volatile.Read(ref _received[(int)kind]);

    public long TotalSent => Sum(_sent);

    public long TotalReceived => Sum(_received);

    /// <summary>A consistent-enough copy for printing or diffing; each counter is read once.</summary>
    public IReadOnlyDictionary<MessageKind, (long Sent, long Received)> Snapshot()
    {
        var snapshot = new Dictionary<MessageKind, (long, long)>(Kinds.Length);
        foreach (var kind in Kinds) snapshot[kind] = (Sent(kind), Received(kind));
        return snapshot;
    }

    public override string ToString() => $"messages sent={TotalSent} received={TotalReceived}";

    /// <summary>
    /// Counted before the connection takes the frame: once queued it can reach the peer, and be acted on there,
    /// before the sender runs again, and a count read after the peer's reaction must already include it.
    /// </summary>
    internal void OnSending(MessageKind kind) => Interlocked.Increment(ref _sent[(int)kind]);

    /// <summary>The connection refused the frame counted by <see cref="OnSending"/>: it never left.</summary>
    internal void OnRefused(MessageKind kind) => Interlocked.Decrement(ref _sent[(int)kind]);

    /// <summary>The frame counted by <see cref="OnSending"/> is queued: the meter hears of it only now, since it cannot take a count back.</summary>
    internal void OnSent(MessageKind kind)
        => TesseraMetrics.MessagesSent.Add(1, new KeyValuePair<string, object?>("kind", Names[(int)kind]), SiteTag);

    internal void OnReceived(MessageKind kind)
    {
        Interlocked.Increment(ref _received[(int)kind]);
        TesseraMetrics.MessagesReceived.Add(1, new KeyValuePair<string, object?>("kind", Names[(int)kind]), SiteTag);
        // Every move of a [Cached] state ends with exactly one TOKEN arriving where the state is now.
        if (kind == MessageKind.Token) TesseraMetrics.StateMoves.Add(1, SiteTag);
    }

    private static string[] NamesByValue()
    {
        var names = new string[Slots];
        foreach (var kind in Kinds) names[(int)kind] = kind.ToString();
        return names;
    }

    private static long Sum(long[] counters)
    {
        long total = 0;
        for (var i = 0; i < counters.Length; i++)
        {
            if (i is (int)MessageKind.Heartbeat or (int)MessageKind.HeartbeatAck) continue;
            total += Volatile.Read(ref counters[i]);
        }
        return total;
    }
}
