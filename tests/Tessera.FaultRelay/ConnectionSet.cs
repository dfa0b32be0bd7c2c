namespace Tessera.FaultInjection;

/// <summary>The connections a relay is carrying: how many, resetting them all, and waiting for them to end.</summary>
internal sealed class ConnectionSet
{
    private readonly object _lock = new();
    private readonly Dictionary<RelayConnection, Task> _live = new();
    private readonly int _capacity;

    public ConnectionSet(int capacity) => _capacity = capacity;

    public int Count
    {
        get
        {
            lock (_lock) return _live.Count;
        }
    }

    /// <summary>True when a new connection must be refused. Only the accept loop adds, so checking first cannot race.</summary>
    public bool IsFull => Count >= _capacity;

    public void Run(RelayConnection connection)
    {
        // Registered before it starts, so that a reset-all in between cannot miss it.
        lock (_lock) _live[connection] = Task.CompletedTask;
        var running = RunAndForgetAsync(connection);
        lock (_lock)
        {
            if (_live.ContainsKey(connection)) _live[connection] = running;
        }
    }

    public void ResetAll()
    {
        RelayConnection[] connections;
        lock (_lock) connections = _live.Keys.ToArray();
        foreach (var connection in connections) connection.Reset();
    }

    public Task WhenAllEndedAsync()
    {
        lock (_lock) return Task.WhenAll(_live.Values.ToArray());
    }

    private async Task RunAndForgetAsync(RelayConnection connection)
    {
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_lock) _live.Remove(connection);
        }
    }
}
