namespace Tessera.Analyzers;

/// <summary>What a call that may cross sites is made on, which decides how it waits and whether its arguments are copied.</summary>
internal enum RemoteTarget
{
    /// <summary>A <c>[Stationary]</c> object: the call blocks until the home site replies, and the arguments are copied there.</summary>
    Stationary,

    /// <summary>A <c>[Cached]</c> object: the call may wait for the state to move here, then runs here on the caller's arguments.</summary>
    Cached,

    /// <summary>A plain <c>[Async]</c> object: the call blocks until the object has run it, at home when the reference is remote.</summary>
    Async,

    /// <summary>An <c>[Async]</c> object's <c>Ref</c>: the call is queued and returns a reply variable at once.</summary>
    AsyncReference,
}
