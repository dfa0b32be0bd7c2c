using System;
using System.Threading;

namespace Tessera.Protocols.Migratory;

/// <summary>How long a call may wait for an object's state: the site's call deadline, or sooner if the caller cancels.</summary>
internal sealed class WaitDeadline : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;

    public WaitDeadline(SiteOptions options, CancellationToken caller)
    {
        _caller = caller;
        _deadline = new CancellationTokenSource(options.DefaultCallTimeout, options.TimeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _deadline.Token);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>The deadline passed, rather than the caller giving up.</summary>
    public bool Expired => _deadline.IsCancellationRequested && !_caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _deadline.Dispose();
    }
}
