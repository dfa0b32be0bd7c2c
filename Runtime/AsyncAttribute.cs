using System;

namespace Tessera;

/// <summary>
/// Marks a <c>partial</c> class as an active object: calls from every caller run one at a time, in
/// arrival order, on its home site. Callers hold the generated async reference (<c>T.Ref</c>), whose
/// methods return <see cref="Dataflow{T}"/> at once; a remote call is one message and its reply one more.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class AsyncAttribute : Attribute
{
}
