using System;

namespace Tessera;

/// <summary>
/// A call on a <c>[Cached]</c> object waited for the object's state until its deadline without getting it.
/// Unlike a stationary timeout, the outcome is known: the call did not run.
/// </summary>
public sealed class StateWaitTimeoutException : TesseraException
{
    public StateWaitTimeoutException(string objectName, TimeSpan deadline, Exception? innerException = null)
        : base($"A call on {objectName} waited {deadline.TotalMilliseconds:0} ms for the object's state without getting it; the call did not run.", innerException)
    {
        ObjectName = objectName;
        Deadline = deadline;
    }

    public string ObjectName { get; }

    public TimeSpan Deadline { get; }
}
