using System;

namespace Tessera;

/// <summary>The connection to a site closed while an operation needed it; pending calls fail with this at once.</summary>
public class ConnectionClosedException : TesseraException
{
    public ConnectionClosedException(string message, Exception? innerException = null) : base(message, innerException) { }
}
