using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Tessera.Transport.Framing;

/// <summary>The live connections of one transport, so disposing the transport can close every one of them.</summary>
internal sealed class ConnectionSet
{
    private readonly object _gate = new();
    private readonly HashSet<IFrameConnection> _live = new();
    private bool _shutDown;

    /// <summary>Tracks <paramref name="connection"/> until it completes; false once the set has been shut down.</summary>
    public bool TryAdd(IFrameConnection connection)
    {
        lock (_gate)
        {
            if (_shutDown) return false;
            _live.Add(connection);
        }

        connection.Completion.ContinueWith(
            static (_, state) =>
            {
                var (set, connection) = ((ConnectionSet, IFrameConnection))state!;
                lock (set._gate) set._live.Remove(connection);
            },
            (this, connection),
            TaskScheduler.Default);
        return true;
    }

    /// <summary>Refuses further connections, aborts the live ones and completes once they have all closed.</summary>
    public Task ShutDownAsync(Exception reason)
    {
        IFrameConnection[] live;
        lock (_gate)
        {
            _shutDown = true;
            live = [.. _live];
        }

        var completions = new Task[live.Length];
        for (int i = 0; i < live.Length; i++)
        {
            live[i].Abort(reason);
            completions[i] = live[i].Completion;
        }

        return Task.WhenAll(completions);
    }
}
