using System;
using System.Collections.Immutable;
using System.Linq;

namespace Tessera.Protocols.Migratory;

/// <summary>A site in the manager's chain, with the hop at which the state reaches it (its place in the order of requests).</summary>
internal readonly record struct Requester(SiteIdentity Site, ImmutableArray<string> Hints, long Hop)
{
    /// <summary>The hints as a message carries them.</summary>
    public string[] WireHints => Hints.IsDefault ? Array.Empty<string>() : Hints.ToArray();
}
