using System;

namespace Tessera;

/// <summary>A call got no reply before its deadline. Whether it ran at home is unknown.</summary>
public sealed class CallTimeoutException : TesseraException
{
    public CallTimeoutException(string operation, TimeSpan deadline, Exception? innerException = null)
        : base($"{operation} got no reply within {deadline.TotalMilliseconds:0} ms; it may or may not have run at home.", innerException)
        => Deadline = deadline;

    public TimeSpan Deadline { get; }
}
