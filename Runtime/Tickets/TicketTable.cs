using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Threading;

namespace Tessera.Tickets;

/// <summary>
/// The issuing site's record of live tickets. Only the SHA-256 of each secret is kept, so
/// the table (or a memory dump of it) cannot be used to mint working tickets. Thread-safe.
/// </summary>
internal sealed class TicketTable
{
    public const int DefaultCapacity = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, List<Entry>> _entries = [];

    // Hashes of tickets that were taken or retracted, so presenting one again reads as "already
    // taken" rather than "forged" while the object still has other live tickets. Bounded, oldest first out.
    private readonly HashSet<(ulong ObjectKey, string SecretHash)> _ended = [];
    private readonly Queue<(ulong ObjectKey, string SecretHash)> _endedOrder = new();
    private readonly int _capacity;
    private int _count;

    /// <param name="capacity">
    /// Most tickets live at once, so a peer or a bug issuing tickets in a loop fails loudly
    /// instead of exhausting memory.
    /// </param>
    public TicketTable(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    public int Capacity => _capacity;

    /// <summary>Live tickets across all objects.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <exception cref="InvalidOperationException">The table already holds <see cref="Capacity"/> live tickets.</exception>
    public Ticket Issue(SiteIdentity site, ImmutableArray<string> hints, ulong objectKey, string typeName, ulong fingerprint, bool unlimited)
    {
        Ticket ticket = new(hints, site, objectKey, TicketSecret.NewSecret(), typeName, fingerprint, unlimited);
        Entry entry = new(ticket.Secret.ComputeHash(), typeName, fingerprint, unlimited);
        lock (_gate)
        {
            if (_count >= _capacity)
            {
                throw new InvalidOperationException(
                    $"Cannot issue another ticket: {_capacity} tickets are live, the most this site allows. " +
                    "Retract tickets that are no longer needed, or raise the limit.");
            }

            if (!_entries.TryGetValue(objectKey, out List<Entry>? list))
            {
                list = [];
                _entries.Add(objectKey, list);
            }

            list.Add(entry);
            _count++;
        }

        return ticket;
    }

    /// <summary>
    /// Checks a presented secret and type; a one-shot ticket is consumed by its first
    /// successful redeem, so of two concurrent takers exactly one succeeds.
    /// </summary>
    /// <param name="objectKey">The object the ticket names.</param>
    /// <param name="secret">The secret the taker presents.</param>
    /// <param name="typeName">The class the taker expects.</param>
    /// <param name="fingerprint">The shape fingerprint of that class in the taker's build.</param>
    /// <exception cref="TicketNotFoundException">No live ticket for the object.</exception>
    /// <exception cref="TicketSecretMismatchException">No live ticket for the object has this secret.</exception>
    /// <exception cref="TicketTypeMismatchException">The ticket is genuine but for another class or shape; it is not consumed.</exception>
    public TicketGrant Redeem(ulong objectKey, TicketSecret secret, string typeName, ulong fingerprint)
    {
        byte[] hash = secret.ComputeHash();
        lock (_gate)
        {
            if (!_entries.TryGetValue(objectKey, out List<Entry>? list))
            {
                throw new TicketNotFoundException(objectKey);
            }

            int index = IndexOf(list, hash);
            if (index < 0)
            {
                if (_ended.Contains((objectKey, Convert.ToHexString(hash))))
                {
                    throw new TicketNotFoundException(objectKey);
                }

                throw new TicketSecretMismatchException(objectKey);
            }

            Entry entry = list[index];
            if (!string.Equals(entry.TypeName, typeName, StringComparison.Ordinal) || entry.Fingerprint != fingerprint)
            {
                throw new TicketTypeMismatchException(typeName, fingerprint, entry.TypeName, entry.Fingerprint);
            }

            if (!entry.Unlimited)
            {
                RemoveAt(objectKey, list, index);
            }

            return new TicketGrant(objectKey, entry.TypeName, entry.Fingerprint, entry.Unlimited);
        }
    }

    /// <returns>Whether the ticket was live; afterwards redeeming it throws <see cref="TicketNotFoundException"/>.</returns>
    public bool Retract(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return Retract(ticket.ObjectKey, ticket.Secret);
    }

    public bool Retract(ulong objectKey, TicketSecret secret)
    {
        byte[] hash = secret.ComputeHash();
        lock (_gate)
        {
            if (!_entries.TryGetValue(objectKey, out List<Entry>? list))
            {
                return false;
            }

            int index = IndexOf(list, hash);
            if (index < 0)
            {
                return false;
            }

            RemoveAt(objectKey, list, index);
            return true;
        }
    }

    /// <summary>Retracts every ticket for an object, for example when the object is collected.</summary>
    /// <returns>How many tickets were live.</returns>
    public int RetractAll(ulong objectKey)
    {
        lock (_gate)
        {
            if (!_entries.Remove(objectKey, out List<Entry>? list))
            {
                return 0;
            }

            foreach (Entry entry in list)
            {
                RememberEnded(objectKey, entry.SecretHash);
            }

            _count -= list.Count;
            return list.Count;
        }
    }

    // Every entry is compared, without stopping at a match, so timing reveals nothing about which one matched.
    private static int IndexOf(List<Entry> list, byte[] hash)
    {
        int found = -1;
        for (int i = 0; i < list.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(list[i].SecretHash, hash))
            {
                found = i;
            }
        }

        return found;
    }

    private void RemoveAt(ulong objectKey, List<Entry> list, int index)
    {
        RememberEnded(objectKey, list[index].SecretHash);
        list.RemoveAt(index);
        _count--;
        if (list.Count == 0)
        {
            _entries.Remove(objectKey);
        }
    }

    private void RememberEnded(ulong objectKey, byte[] secretHash)
    {
        var ended = (objectKey, Convert.ToHexString(secretHash));
        if (!_ended.Add(ended))
        {
            return;
        }

        _endedOrder.Enqueue(ended);
        if (_endedOrder.Count > _capacity)
        {
            _ended.Remove(_endedOrder.Dequeue());
        }
    }

    private sealed record Entry(byte[] SecretHash, string TypeName, ulong Fingerprint, bool Unlimited);
}
