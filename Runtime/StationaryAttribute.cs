using System;

namespace Tessera;

/// <summary>
/// Marks a <c>partial</c> class whose instances stay on the site that created them. A reference
/// on another site is a generated proxy: each call is one request and one reply.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class StationaryAttribute : Attribute
{
}
