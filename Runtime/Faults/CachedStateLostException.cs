namespace Tessera;

/// <summary>
/// The state of a <c>[Cached]</c> object is gone for every site: the site that held it (or was due to
/// receive it) died, or its home did. Final: every later call on the object fails the same way.
/// </summary>
public sealed class CachedStateLostException : TesseraException
{
    public CachedStateLostException(string objectName, string reason)
        : base($"The state of {objectName} is lost: {reason}")
    {
        ObjectName = objectName;
        Reason = reason;
    }

    /// <summary>The object, as <c>Type#key@home</c>.</summary>
    public string ObjectName { get; }

    public string Reason { get; }
}
