using System;
using System.ComponentModel;
using System.Threading.Tasks;

namespace Tessera.Infrastructure;

/// <summary>
/// What the generator emits for each distributed class: its identity, how to make a proxy, and how
/// to dispatch a call at home. Used by generated code; not meant to be written by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class DistributedTypeInfo
{
    protected DistributedTypeInfo(string typeName, ulong fingerprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        TypeName = typeName;
        Fingerprint = fingerprint;
    }

    /// <summary>The class's full metadata name; written in tickets.</summary>
    public string TypeName { get; }

    /// <summary>A hash of the remotable shape (methods, parameter and return types); two builds agree only if it matches.</summary>
    public ulong Fingerprint { get; }

    public abstract Type ClrType { get; }

    internal abstract object CreateProxyObject(ProxyHandle handle);

    /// <summary>
    /// Runs a call that arrived for <paramref name="target"/>. The arguments are read before this returns, so the
    /// caller may give them back to the pool then; the caller gives the result back once it is sent.
    /// </summary>
    internal abstract ValueTask<EncodedBytes> InvokeObjectAsync(object target, uint methodId, EncodedBytes arguments, InvocationContext context);

    /// <summary>Called once, when <paramref name="site"/> first exports <paramref name="target"/>; throws to refuse.</summary>
    internal virtual void OnExporting(Site site, object target, ulong key)
    {
    }

    /// <summary>Called when <paramref name="site"/> stops exporting <paramref name="target"/>: nothing outside refers to it any more.</summary>
    internal virtual void OnUnexported(Site site, object target)
    {
    }
}
