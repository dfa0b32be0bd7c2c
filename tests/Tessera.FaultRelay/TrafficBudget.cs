namespace Tessera.FaultInjection;

/// <summary>The bytes a relay may still forward over its life, so that a runaway test cannot pump without end.</summary>
internal sealed class TrafficBudget
{
    private readonly long _limit;
    private readonly Action _onExhausted;
    private long _taken;

    public TrafficBudget(long limit, Action onExhausted)
    {
        _limit = limit;
        _onExhausted = onExhausted;
    }

    /// <summary>Takes <paramref name="bytes"/> from the budget, or reports it spent and returns false.</summary>
    public bool TryTake(int bytes)
    {
        if (Interlocked.Add(ref _taken, bytes) <= _limit) return true;
        _onExhausted();
        return false;
    }
}
