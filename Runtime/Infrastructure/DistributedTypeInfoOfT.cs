using System.ComponentModel;

namespace Tessera.Infrastructure;

/// <summary>
/// The generated description of any distributed class <typeparamref name="T"/>, whatever its protocol:
/// enough to send an instance as a reference and to make this site's one proxy for a remote one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class DistributedTypeInfo<T> : DistributedTypeInfo
    where T : class
{
    protected DistributedTypeInfo(string typeName, ulong fingerprint) : base(typeName, fingerprint) { }

    public sealed override System.Type ClrType => typeof(T);

    /// <summary>Makes the proxy for a remote instance.</summary>
    public abstract T CreateProxy(ProxyHandle handle);

    internal sealed override object CreateProxyObject(ProxyHandle handle) => CreateProxy(handle);
}
