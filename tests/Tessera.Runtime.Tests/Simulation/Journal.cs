namespace Tessera.Runtime.Tests.Simulation;

/// <summary>What an entity did at home, in the order it did it; written by the entity, read by the checker.</summary>
internal sealed class Journal<T>
{
    private readonly List<T> _entries = new();

    public void Add(T entry)
    {
        lock (_entries) _entries.Add(entry);
    }

    public T[] Snapshot()
    {
        lock (_entries) return _entries.ToArray();
    }
}
