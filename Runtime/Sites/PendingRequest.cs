using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Sites;

/// <summary>A request on the wire whose reply has not been matched yet. Await <see cref="Reply"/> or call <see cref="Wait"/>, once.</summary>
internal readonly record struct PendingRequest(long Id, ReplySlot? Slot)
{
    public ValueTask<RequestReply> Reply => Slot!.Reply;

    /// <summary>Blocks until the reply, cancellation or the connection's loss; the reply wakes the thread directly.</summary>
    public RequestReply Wait(CancellationToken cancellationToken) => Slot!.Wait(cancellationToken);
}
