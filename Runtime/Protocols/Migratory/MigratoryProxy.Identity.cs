using System.Collections.Immutable;
using Tessera.Infrastructure;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// Who this object is and where it is shared from: read without the state machine's lock, since these change
/// only when the object is shared or unshared, never with the state's moves.
/// </summary>
public sealed partial class MigratoryProxy
{
    private static readonly SiteOptions UnsharedOptions = new();

    internal SiteIdentity Home => _sharing?.Home ?? default;

    internal ImmutableArray<string> HomeHints => _sharing?.HomeHints ?? default;

    internal ulong Key => _sharing?.Key ?? 0;

    /// <summary>For an imported object, the reference to its home; null for the home object itself.</summary>
    internal ProxyHandle? Handle => _handle;

    internal string Name => $"{_type.TypeName}#{Key:x16}@{Home}";

    internal MigratoryManager? Manager => _sharing?.Manager;

    internal EntityFaultCell Cell => _handle?.Fault ?? EntityFaultCell.ForLocal(_target);

    internal SiteOptions Options => _sharing?.Site.Options ?? UnsharedOptions;

    // Fault names never carry the key, which is a capability.
    private string EntityName => _handle?.ToString() ?? $"{_type.TypeName} (here)";

    // Set whenever the state can move: an import is shared from the start, a home object before its first move.
    private Site Site => _sharing!.Site;
}
