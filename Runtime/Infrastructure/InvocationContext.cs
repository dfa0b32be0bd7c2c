using System.ComponentModel;
using System.Threading;

namespace Tessera.Infrastructure;

/// <summary>What a home-side invocation knows about its call.</summary>
/// <param name="Site">The home site, for decoding references among the arguments.</param>
/// <param name="CancellationToken">Cancelled when the caller gives up or the call's deadline passes.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct InvocationContext(Site Site, CancellationToken CancellationToken)
{
    private readonly IInvocationCancellation? _cancellation;
    private readonly int _generation;
    private readonly CancellationToken _token = CancellationToken;

    /// <summary>A context whose token is made only if the method asks for it, while call <paramref name="generation"/> runs.</summary>
    internal InvocationContext(Site site, IInvocationCancellation cancellation, int generation)
        : this(site, CancellationToken.None)
    {
        _cancellation = cancellation;
        _generation = generation;
    }

    public CancellationToken CancellationToken
    {
        get => _cancellation?.TokenFor(_generation) ?? _token;
        init
        {
            _token = value;
            _cancellation = null;
        }
    }
}

/// <summary>A call's cancellation that costs nothing until its token is asked for.</summary>
/// <remarks>
/// Its object may serve call after call, so each ask names its call; a call that has ended gets
/// <see cref="CancellationToken.None"/>.
/// </remarks>
internal interface IInvocationCancellation
{
    CancellationToken TokenFor(int generation);
}
