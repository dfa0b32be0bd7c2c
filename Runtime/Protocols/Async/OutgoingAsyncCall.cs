using System.Threading;
using Tessera.Infrastructure;

namespace Tessera.Protocols.Async;

/// <summary>An async call between its creation and the wire: what <see cref="AsyncCaller.Dispatch"/> needs, kept while it is held.</summary>
internal sealed record OutgoingAsyncCall(ProxyHandle Handle, uint MethodId, byte[] Arguments, byte[]? TraceContext, PendingAsyncCall Pending, CancellationToken CancellationToken);
