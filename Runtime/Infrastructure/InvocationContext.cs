using System.ComponentModel;
using System.Threading;

namespace Tessera.Infrastructure;

/// <summary>What a home-side invocation knows about its call.</summary>
/// <param name="Site">The home site, for decoding references among the arguments.</param>
/// <param name="CancellationToken">Cancelled when the caller gives up or the call's deadline passes.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct InvocationContext(Site Site, CancellationToken CancellationToken);
