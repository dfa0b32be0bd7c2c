using System;

namespace Tessera;

/// <summary>
/// Marks a <c>partial</c> class whose state moves to the site that calls it (the migratory protocol):
/// a call runs locally wherever the state is, and calls on one object are serialized across all sites.
/// Make instances with the generated <c>Create</c> factories, never with <c>new</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class CachedAttribute : Attribute
{
}
