namespace Tessera;

/// <summary>
/// A method threw at its home site. The original exception cannot travel (its type may not exist
/// here), so its type name, message and stack trace do.
/// </summary>
public sealed class RemoteException : TesseraException
{
    public RemoteException(string remoteTypeName, string remoteMessage, string? remoteStackTrace, string method, SiteIdentity home)
        : base($"{method} threw {remoteTypeName} at site {home}: {remoteMessage}")
    {
        RemoteTypeName = remoteTypeName;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
        Home = home;
    }

    /// <summary>The full name of the exception type thrown at home, e.g. <c>System.InvalidOperationException</c>.</summary>
    public string RemoteTypeName { get; }

    public string RemoteMessage { get; }

    public string? RemoteStackTrace { get; }

    public SiteIdentity Home { get; }

    public override string ToString() => base.ToString() + (RemoteStackTrace is null ? "" : "\n--- remote stack trace ---\n" + RemoteStackTrace);
}
