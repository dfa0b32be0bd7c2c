using System;

namespace Tessera;

/// <summary>A blocking read or a bind of a dataflow variable gave up: the variable was not bound in time.</summary>
public sealed class DataflowTimeoutException : TesseraException
{
    public DataflowTimeoutException(TimeSpan timeout)
        : base($"The dataflow variable was not bound within {timeout.TotalMilliseconds:0} ms.")
        => Timeout = timeout;

    public TimeSpan Timeout { get; }
}
