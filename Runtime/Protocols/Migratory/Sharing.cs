using System.Collections.Immutable;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// How a <c>[Cached]</c> object takes part in moves: the site it lives on here, its home and key, and, for the
/// home object, its manager. A home object has none until it is first offered or passed, and loses it when
/// nothing outside refers to it any more.
/// </summary>
internal sealed record Sharing(Site Site, SiteIdentity Home, ImmutableArray<string> HomeHints, ulong Key, MigratoryManager? Manager);
