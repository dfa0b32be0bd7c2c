using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Tessera.FailureDetection;

namespace Tessera;

/// <summary>
/// One watcher of one entity's fault state: the current state first, then each transition, ending after a
/// final one. It listens to the entity's own cell and to its home's health only while it is enumerated.
/// </summary>
internal static class FaultStream
{
    // Transitions are few; if a watcher still falls this far behind, the oldest are dropped, never the latest.
    private const int Capacity = 16;

    public static async IAsyncEnumerable<FaultState> WatchAsync(FaultedEntity entity, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var changes = Channel.CreateBounded<FaultState>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        Action<FaultState> onChange = _ => changes.Writer.TryWrite(entity.State);
        var cell = entity.Cell;
        PeerHealth? health = entity.Handle is { } handle ? handle.Site.Health.Get(handle.Home) : null;
        cell.Changed += onChange;
        if (health is not null) health.Changed += onChange;
        try
        {
            var last = entity.State;
            yield return last;
            while (!IsFinal(last))
            {
                FaultState next;
                try
                {
                    next = await changes.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
                if (next == last) continue;
                last = next;
                yield return last;
            }
        }
        finally
        {
            cell.Changed -= onChange;
            if (health is not null) health.Changed -= onChange;
        }
    }

    public static bool IsFinal(FaultState state) => state is FaultState.LocalFail or FaultState.PermFail;
}
