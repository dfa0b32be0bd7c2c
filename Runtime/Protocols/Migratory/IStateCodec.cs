namespace Tessera.Protocols.Migratory;

/// <summary>A <c>[Cached]</c> class's generated capture and restore, seen without its type parameter.</summary>
internal interface IStateCodec
{
    byte[] CaptureObject(Site site, object target);

    void RestoreObject(Site site, object target, byte[] state);
}
