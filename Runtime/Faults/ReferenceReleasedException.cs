namespace Tessera;

/// <summary>A proxy was used or sent after <see cref="RemoteReference.Release"/> gave its weight back.</summary>
public sealed class ReferenceReleasedException : TesseraException
{
    public ReferenceReleasedException(string reference)
        : base($"The reference to {reference} was released: its weight went home, so it can no longer be called or sent. Get a new reference (a call result or a ticket).") { }
}
