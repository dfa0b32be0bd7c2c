namespace Tessera;

/// <summary>
/// The ticket names a live object but its secret matches none of the tickets issued for
/// it, so the ticket is forged or was altered.
/// </summary>
public sealed class TicketSecretMismatchException : TicketException
{
    public TicketSecretMismatchException(ulong objectKey)
        : base($"The ticket's secret matches no ticket issued for object 0x{objectKey:x}; the ticket was forged or altered.")
        => ObjectKey = objectKey;

    public ulong ObjectKey { get; }
}
