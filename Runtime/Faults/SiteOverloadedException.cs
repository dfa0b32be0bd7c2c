namespace Tessera;

/// <summary>
/// Home refused a <c>[Stationary]</c> call: the connection already had <c>SiteOptions.MaxHomeCallsPerConnection</c>
/// calls running there. The call did not run; it may be made again once earlier calls have ended.
/// </summary>
public sealed class SiteOverloadedException : TesseraException
{
    public SiteOverloadedException(string message) : base(message) { }
}
