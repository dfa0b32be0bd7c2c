using System;

namespace Tessera;

/// <summary>A peer sent bytes that are not a valid Tessera frame or message; only that connection is closed.</summary>
public sealed class ProtocolViolationException : TesseraException
{
    public ProtocolViolationException(string message, Exception? innerException = null) : base(message, innerException) { }
}
