namespace Tessera;

/// <summary>
/// Home refused a <c>[Stationary]</c> call until its deadline: the connection had <c>SiteOptions.MaxHomeCallsPerConnection</c>
/// calls running there each time it was sent. The call did not run.
/// </summary>
public sealed class SiteOverloadedException : TesseraException
{
    public SiteOverloadedException(string message) : base(message) { }
}
