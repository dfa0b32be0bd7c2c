using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Transport;

/// <summary>
/// Moves length-delimited frames between sites. A transport knows nothing about wire
/// messages, handshakes or site identities: those live in the site runtime, so the TCP
/// and the in-memory transports behave identically above this line.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>The address other sites dial to reach this one, once listening.</summary>
    string? LocalAddress { get; }

    /// <summary>Starts accepting connections; each accepted connection is handed to <paramref name="onAccepted"/>.</summary>
    /// <returns>The address actually bound (e.g. with the ephemeral port filled in).</returns>
    ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken);

    /// <summary>Dials <paramref name="address"/>. Throws <see cref="TransportConnectException"/> when nobody answers.</summary>
    ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken);
}
