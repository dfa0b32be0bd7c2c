namespace Tessera;

/// <summary>
/// The text is not a ticket: empty, not URL-safe ASCII, an unknown scheme, the wrong number
/// of fields, a field that does not decode, or a form that is not the canonical rendering.
/// </summary>
public sealed class MalformedTicketException : TicketException
{
    public MalformedTicketException(string reason) : base($"Illegal ticket: {reason}") => Reason = reason;

    /// <summary>What is wrong, without any of the ticket's content.</summary>
    public string Reason { get; }
}
