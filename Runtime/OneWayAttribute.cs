using System;

namespace Tessera;

/// <summary>
/// On a <c>void</c> method of an <c>[Async]</c> class: a call is one message with no reply, like a
/// Mozart port send. The async reference's method returns nothing, and a failure at home is only logged.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class OneWayAttribute : Attribute
{
}
