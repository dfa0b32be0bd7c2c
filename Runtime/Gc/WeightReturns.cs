using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Tessera.Wire;

namespace Tessera.Gc;

/// <summary>
/// Weight of dropped proxies waiting to go home, coalesced per entity, so a burst of drops costs a few
/// messages per home and table rather than one per proxy. Holds at most one entry per entity this site referenced.
/// </summary>
internal sealed class WeightReturns
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(SiteIdentity Home, EntityTable Table), PendingHome> _byHome = new();
    private int _entities;

    /// <returns>How many entities now have weight waiting.</returns>
    public int Add(EntityTable table, SiteIdentity home, ImmutableArray<string> hints, ulong key, List<Credit> credits)
    {
        lock (_gate)
        {
            if (!_byHome.TryGetValue((home, table), out var pending)) _byHome[(home, table)] = pending = new PendingHome(hints);
            if (!pending.ByKey.TryGetValue(key, out var weight))
            {
                pending.ByKey[key] = weight = new Weight();
                _entities++;
            }
            foreach (var credit in credits) weight.Add(credit);
            return _entities;
        }
    }

    /// <summary>Empties the batch into messages of at most <paramref name="maxEntities"/> entities each.</summary>
    public List<(SiteIdentity Home, ImmutableArray<string> Hints, WeightReturn Message)> Drain(int maxEntities)
    {
        Dictionary<(SiteIdentity Home, EntityTable Table), PendingHome> drained;
        lock (_gate)
        {
            if (_entities == 0) return new();
            drained = new Dictionary<(SiteIdentity, EntityTable), PendingHome>(_byHome);
            _byHome.Clear();
            _entities = 0;
        }
        var messages = new List<(SiteIdentity, ImmutableArray<string>, WeightReturn)>();
        foreach (var ((home, table), pending) in drained)
        {
            var batch = new Batch();
            foreach (var (key, weight) in pending.ByKey)
            {
                batch.Add(key, weight.TakeAll());
                if (batch.Count < maxEntities) continue;
                messages.Add((home, pending.Hints, batch.ToMessage(table)));
                batch = new Batch();
            }
            if (batch.Count > 0) messages.Add((home, pending.Hints, batch.ToMessage(table)));
        }
        return messages;
    }

    private sealed class PendingHome(ImmutableArray<string> hints)
    {
        public ImmutableArray<string> Hints { get; } = hints;

        public Dictionary<ulong, Weight> ByKey { get; } = new();
    }

    private sealed class Batch
    {
        private readonly List<ulong> _keys = new();
        private readonly List<int> _counts = new();
        private readonly List<int> _levels = new();
        private readonly List<ulong> _mantissas = new();

        public int Count => _keys.Count;

        public void Add(ulong key, List<Credit> credits)
        {
            _keys.Add(key);
            _counts.Add(credits.Count);
            foreach (var credit in credits)
            {
                _levels.Add(credit.Level);
                _mantissas.Add(credit.Mantissa);
            }
        }

        public WeightReturn ToMessage(EntityTable table) => new()
        {
            Table = table,
            Keys = _keys.ToArray(),
            Counts = _counts.ToArray(),
            Levels = _levels.ToArray(),
            Mantissas = _mantissas.ToArray(),
        };
    }
}
