using Tessera.Transport;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>
/// Fails dials to one address with an exception no transport is documented to throw, as a DNS
/// resolver does for an absurd host name: the site must treat it as a bad hint, not get stuck.
/// </summary>
internal sealed class FaultyTransport(ITransport inner, string failingAddress) : ITransport
{
    public string? LocalAddress => inner.LocalAddress;

    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
        => inner.ListenAsync(address, onAccepted, cancellationToken);

    public ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
        => address == failingAddress
            ? ValueTask.FromException<IFrameConnection>(new ArgumentOutOfRangeException(nameof(address), "host name too long"))
            : inner.ConnectAsync(address, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
