using System.Net.Sockets;

namespace Tessera.FaultInjection;

/// <summary>One client connection and its own connection to the upstream, from the upstream connect to the close.</summary>
internal sealed class RelayConnection
{
    private readonly Socket _client;
    private readonly Socket _upstream;
    private readonly RelayContext _relay;
    // Linked to nothing and never given a timer, so it holds nothing to dispose; a late Reset may still cancel it safely.
    private readonly CancellationTokenSource _aborted = new();
    private int _closed;

    public RelayConnection(Socket client, RelayContext relay)
    {
        _client = client;
        _relay = relay;
        _upstream = new Socket(relay.Upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    /// <summary>Relays until both directions have closed in order, or until the connection is reset. Never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            // The relay must add only the latency it is told to, not Nagle's. Set here, where a client that already
            // reset fails only its own connection.
            _client.NoDelay = true;
            _upstream.NoDelay = true;
            // A partition hides new connections as well: this one reaches the upstream only once the blackhole lifts.
            await _relay.Faults.WhenForwardingAsync(_aborted.Token).ConfigureAwait(false);
            await ConnectUpstreamAsync().ConfigureAwait(false);
            var toUpstream = new DirectionPump(_client, _upstream, Direction.ToUpstream, _relay, Reset);
            var toClient = new DirectionPump(_upstream, _client, Direction.ToClient, _relay, Reset);
            await Task.WhenAll(toUpstream.RunAsync(_aborted.Token), toClient.RunAsync(_aborted.Token)).ConfigureAwait(false);
            Close(abortive: false);
        }
        catch (Exception)
        {
            // The upstream refused or timed out, or the connection was cut: the client sees a reset, as from a dead peer.
            Close(abortive: true);
        }
    }

    /// <summary>Resets both sides at once. Safe from any thread, any number of times.</summary>
    public void Reset() => Close(abortive: true);

    private async Task ConnectUpstreamAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token);
        deadline.CancelAfter(_relay.Options.ConnectTimeout);
        await _upstream.ConnectAsync(_relay.Upstream, deadline.Token).ConfigureAwait(false);
    }

    private void Close(bool abortive)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        if (abortive)
        {
            SocketReset.Reset(_client);
            SocketReset.Reset(_upstream);
        }
        else
        {
            _client.Dispose();
            _upstream.Dispose();
        }
        _aborted.Cancel();
    }
}
