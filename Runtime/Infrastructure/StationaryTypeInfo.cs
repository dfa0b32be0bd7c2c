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
    /// Runs method <paramref name="methodId"/> on the home instance and returns the encoded result. The arguments
    /// are read before this returns. Throws <see cref="UnknownMethodException"/> for an id this build does not have.
    /// </summary>
    public abstract ValueTask<EncodedBytes> InvokeAsync(T target, uint methodId, EncodedBytes arguments, InvocationContext context);

    internal sealed override ValueTask<EncodedBytes> InvokeObjectAsync(object target, uint methodId, EncodedBytes arguments, InvocationContext context)
        => InvokeAsync((T)target, methodId, arguments, context);
}
