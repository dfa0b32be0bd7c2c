using System;

namespace Tessera;

/// <summary>No address hint for a site answered, or the site that answered is a different incarnation.</summary>
public sealed class SiteUnreachableException : TesseraException
{
    public SiteUnreachableException(string message, Exception? innerException = null) : base(message, innerException) { }
}
