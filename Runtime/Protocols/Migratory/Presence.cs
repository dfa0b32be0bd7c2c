namespace Tessera.Protocols.Migratory;

/// <summary>Where a <c>[Cached]</c> object's state is, as one site sees it.</summary>
internal enum Presence
{
    /// <summary>Elsewhere, and nobody here asked for it.</summary>
    Empty,

    /// <summary>Asked for (or on its way) because calls here wait for it.</summary>
    Requested,

    /// <summary>Here: calls run on this site's fields.</summary>
    Here,
}
