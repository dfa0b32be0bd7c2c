namespace Tessera.Protocols.Migratory;

/// <summary>
/// A requester in the manager's chain, and the requester the manager told (FORWARD) to hand it the state:
/// the site to ask when this one dies before it got the state.
/// </summary>
internal readonly record struct ChainEntry(Requester Requester, Requester From)
{
    public bool Is(Requester requester) => Requester.Site == requester.Site && Requester.Hop == requester.Hop;

    public bool FollowsOn(Requester requester) => From.Site == requester.Site && From.Hop == requester.Hop;
}
