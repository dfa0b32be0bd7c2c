using System.Collections.Immutable;

namespace Tessera.Protocols.Migratory;

/// <summary>A site in the manager's chain, with the hop at which the state reaches it (its place in the order of requests).</summary>
internal readonly record struct Requester(SiteIdentity Site, ImmutableArray<string> Hints, long Hop);
