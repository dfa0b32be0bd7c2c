using System.ComponentModel;
using System.Threading.Tasks;

namespace Tessera.Infrastructure;

/// <summary>The generated description of a <c>[Stationary]</c> class <typeparamref name="T"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class StationaryTypeInfo<T> : DistributedTypeInfo<T>
    where T : class
{
    protected StationaryTypeInfo(string typeName, ulong fingerprint) : base(typeName, fingerprint) { }

    /// <summary>
    /// Runs method <paramref name="methodId"/> on the home instance and returns the encoded result.
    /// Throws <see cref="UnknownMethodException"/> for an id this build does not have.
    /// </summary>
    public abstract ValueTask<byte[]> InvokeAsync(T target, uint methodId, byte[] arguments, InvocationContext context);

    internal sealed override ValueTask<byte[]> InvokeObjectAsync(object target, uint methodId, byte[] arguments, InvocationContext context)
        => InvokeAsync((T)target, methodId, arguments, context);
}
