using System;

namespace Tessera.Sites;

/// <summary>
/// A dial reached a site, but not the one it was for. Which it was is kept so that the dial can judge, once every hint
/// was tried, whether the site it was for restarted there (epochs) or the hint was only wrong.
/// </summary>
internal sealed class AnsweredByAnotherSiteException(string address, SiteIdentity expected, SiteIdentity answered)
    : Exception($"the site at {address} is {answered}, not {expected}")
{
    public SiteIdentity Answered { get; } = answered;
}
