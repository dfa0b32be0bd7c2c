using System;

namespace Tessera;

/// <summary>
/// Base of the ticket faults: a ticket that cannot be parsed or cannot be taken. Messages
/// never contain the ticket text or its secret, so these are safe to log.
/// </summary>
/// <remarks>
/// A ticket from another protocol version is reported as <see cref="ProtocolVersionMismatchException"/>
/// instead, because that fault is shared with the site handshake.
/// </remarks>
public class TicketException : TesseraException
{
    public TicketException(string message) : base(message) { }

    public TicketException(string message, Exception? innerException) : base(message, innerException) { }
}
