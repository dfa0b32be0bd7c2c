using System.ComponentModel;
using System.Threading.Tasks;
using Tessera.Protocols.Migratory;

namespace Tessera.Infrastructure;

/// <summary>
/// The generated description of a <c>[Cached]</c> class <typeparamref name="T"/>: how to capture and restore
/// all of an instance's state, so the state can move between sites while the code stays put.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class CachedTypeInfo<T> : DistributedTypeInfo<T>, IStateCodec
    where T : class
{
    protected CachedTypeInfo(string typeName, ulong fingerprint) : base(typeName, fingerprint) { }

    /// <summary>Encodes every instance field of <paramref name="target"/>; distributed objects as references.</summary>
    public abstract byte[] Capture(Site site, T target);

    /// <summary>Overwrites every instance field of <paramref name="target"/> with a state <see cref="Capture"/> encoded.</summary>
    public abstract void Restore(Site site, T target, byte[] state);

    /// <summary>The protocol state of an instance made by a factory: the state is here, and stays until shared.</summary>
    public MigratoryProxy ForHome(T target) => new(this, this, target, null);

    /// <summary>The protocol state of this site's one instance for a remote object: empty until first used.</summary>
    public MigratoryProxy ForImport(T target, ProxyHandle handle) => new(this, this, target, handle);

    internal sealed override ValueTask<EncodedBytes> InvokeObjectAsync(object target, uint methodId, EncodedBytes arguments, InvocationContext context)
        => throw new ProtocolViolationException($"{TypeName} is [Cached]: its calls run where its state is, so no site sends calls for it.");

    internal sealed override void OnExporting(Site site, object target, ulong key) => ((ICachedObject)target).TesseraState.Share(site, key);

    internal sealed override void OnUnexported(Site site, object target) => ((ICachedObject)target).TesseraState.Unshare(site);

    byte[] IStateCodec.CaptureObject(Site site, object target) => Capture(site, (T)target);

    void IStateCodec.RestoreObject(Site site, object target, byte[] state) => Restore(site, (T)target, state);
}
