namespace Tessera;

/// <summary>
/// The ticket is well formed but its checksum does not match its content: almost always a
/// character changed while the ticket was copied.
/// </summary>
public sealed class TicketChecksumException : TicketException
{
    public TicketChecksumException()
        : base("Illegal ticket: the checksum does not match; a character was probably mistyped or lost while copying it.")
    {
    }
}
