using System;

namespace Tessera;

/// <summary>Base of every exception Tessera raises, so callers can catch the family at once.</summary>
public class TesseraException : Exception
{
    public TesseraException(string message) : base(message) { }

    public TesseraException(string message, Exception? innerException) : base(message, innerException) { }
}
