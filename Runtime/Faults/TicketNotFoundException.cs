namespace Tessera;

/// <summary>
/// The issuing site holds no live ticket for the object: it was never issued there, was
/// retracted, the object is gone, or a one-shot ticket was already taken.
/// </summary>
public sealed class TicketNotFoundException : TicketException
{
    public TicketNotFoundException(ulong objectKey)
        : base($"No live ticket for object 0x{objectKey:x}: it was retracted, a one-shot ticket was already taken, or it was never issued by this site.")
        => ObjectKey = objectKey;

    public ulong ObjectKey { get; }
}
