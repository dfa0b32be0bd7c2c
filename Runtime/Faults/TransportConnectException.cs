using System;

namespace Tessera;

/// <summary>A dial to an address failed: nothing listens there, or it did not answer in time.</summary>
public sealed class TransportConnectException : TesseraException
{
    public TransportConnectException(string address, string message, Exception? innerException = null)
        : base(message, innerException) => Address = address;

    public string Address { get; }
}
