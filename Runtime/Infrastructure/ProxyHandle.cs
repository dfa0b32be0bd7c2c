using System;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Infrastructure;

/// <summary>
/// The runtime half of a generated proxy: names the remote entity and carries its calls.
/// One handle (and one proxy) exists per entity per site.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProxyHandle
{
    internal ProxyHandle(Site site, SiteIdentity home, ImmutableArray<string> endpointHints, ulong objectKey, DistributedTypeInfo type)
    {
        Site = site;
        Home = home;
        EndpointHints = endpointHints;
        ObjectKey = objectKey;
        Type = type;
    }

    /// <summary>The local site this proxy lives on.</summary>
    public Site Site { get; }

    public SiteIdentity Home { get; }

    public ImmutableArray<string> EndpointHints { get; }

    public ulong ObjectKey { get; }

    public DistributedTypeInfo Type { get; }

    /// <summary>One request, one reply. Blocks the calling thread until the reply, the deadline or cancellation.</summary>
    public byte[] Call(uint methodId, byte[] arguments, CancellationToken cancellationToken = default)
        => Site.StationaryCalls.Call(this, methodId, arguments, cancellationToken);

    /// <summary>One request, one reply, ending by the site's default deadline at the latest.</summary>
    public Task<byte[]> CallAsync(uint methodId, byte[] arguments, CancellationToken cancellationToken = default)
        => Site.StationaryCalls.CallAsync(this, methodId, arguments, cancellationToken);

    // The object key is a capability (anyone who knows it may call), so it stays out of text that reaches logs.
    public override string ToString() => $"{Type.TypeName}@{Home}";
}
