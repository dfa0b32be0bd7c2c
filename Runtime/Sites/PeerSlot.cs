using System.Threading.Tasks;

namespace Tessera.Sites;

/// <summary>
/// The one connection a <see cref="ConnectionTable"/> keeps to one peer: the connection once it is established,
/// and whether a dial for it is under way, so callers that ask meanwhile wait for that dial instead of starting another.
/// </summary>
internal sealed class PeerSlot
{
    public TaskCompletionSource<PeerConnection> Established { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Dialing { get; set; }

    /// <summary>A dial refused as a duplicate was tried once more (the peer still held a connection this side had closed).</summary>
    public bool Redialed { get; set; }

    public PeerConnection? Connection { get; set; }
}
