namespace Tessera;

/// <summary>
/// Too many calls on one <c>[Cached]</c> object are already waiting on this site for its state
/// (<see cref="SiteOptions.MaxWaitingCalls"/>); the call was not queued.
/// </summary>
public sealed class CallQueueFullException : TesseraException
{
    public CallQueueFullException(string objectName, int limit)
        : base($"{limit} calls on {objectName} are already waiting for its state on this site; raise SiteOptions.MaxWaitingCalls or call less concurrently.")
        => Limit = limit;

    public int Limit { get; }
}
