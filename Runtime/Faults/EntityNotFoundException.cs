namespace Tessera;

/// <summary>The home site no longer has (or never had) the object a reference names.</summary>
public sealed class EntityNotFoundException : TesseraException
{
    public EntityNotFoundException(string message) : base(message) { }
}
