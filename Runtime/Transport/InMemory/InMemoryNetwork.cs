using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Tessera.Transport.InMemory;

/// <summary>
/// An in-process network for fast, deterministic tests. Addresses look like "mem:NAME"; listening on
/// "mem:0" assigns "mem:1", "mem:2", … in order.
/// </summary>
public sealed class InMemoryNetwork
{
    private const string Scheme = "mem:";

    private readonly object _gate = new();
    private readonly Dictionary<string, InMemoryTransport> _listeners = new(StringComparer.Ordinal);
    private int _lastAssigned;

    /// <summary>
    /// Off by default. When set, every chunk of bytes on a connection made afterwards waits for the returned
    /// task before it reaches the other end, in order per direction: a test supplies seeded delays to
    /// reorder messages between different connections. Called concurrently from many connections.
    /// </summary>
    public Func<ValueTask>? DeliveryDelay { get; set; }

    public InMemoryTransport CreateTransport(TransportOptions? options = null, ILogger? logger = null) => new(this, options, logger);

    /// <summary>
    /// Simulates a crashed site: the transport listening on <paramref name="address"/> stops listening and
    /// aborts all its connections, and its address becomes free for a restarted site.
    /// </summary>
    /// <returns>False when nothing listens on <paramref name="address"/>.</returns>
    public bool KillTransport(string address)
    {
        var transport = Find(address);
        if (transport is null) return false;
        transport.Kill();
        return true;
    }

    internal string Bind(string address, InMemoryTransport transport)
    {
        if (!address.StartsWith(Scheme, StringComparison.Ordinal) || address.Length == Scheme.Length)
        {
            throw new ArgumentException($"'{address}' is not an in-memory address such as \"mem:0\" or \"mem:alpha\".", nameof(address));
        }

        lock (_gate)
        {
            if (address == Scheme + "0")
            {
                do address = Scheme + (++_lastAssigned).ToString(CultureInfo.InvariantCulture);
                while (_listeners.ContainsKey(address));
            }
            else if (_listeners.ContainsKey(address))
            {
                throw new InvalidOperationException($"{address} is already in use.");
            }

            _listeners.Add(address, transport);
            return address;
        }
    }

    internal void Unbind(string address, InMemoryTransport transport)
    {
        lock (_gate)
        {
            if (_listeners.TryGetValue(address, out var bound) && bound == transport) _listeners.Remove(address);
        }
    }

    internal InMemoryTransport? Find(string address)
    {
        lock (_gate) return _listeners.GetValueOrDefault(address);
    }
}
