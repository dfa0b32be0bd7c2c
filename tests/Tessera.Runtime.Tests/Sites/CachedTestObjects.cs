using System.Collections.Concurrent;
using Tessera;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>A [Cached] counter whose state records where it has been.</summary>
[Cached]
public partial class Counter
{
    private readonly List<string> _visits = new();
    private int _count;

    public virtual int Increment() => ++_count;

    public virtual Task<int> IncrementAsync() => Task.FromResult(++_count);

    public virtual Task<int> IncrementAsync(CancellationToken cancellationToken) => Task.FromResult(++_count);

    /// <summary>Calls another method of the same object: must re-enter, not wait for itself.</summary>
    public virtual int IncrementTwice()
    {
        Increment();
        return Increment();
    }

    public virtual async Task<int> IncrementTwiceAsync()
    {
        await IncrementAsync();
        await Task.Yield();
        return Increment();
    }

    public virtual int Count() => _count;

    public virtual void Visit(string site) => _visits.Add(site);

    public virtual string[] Visits() => _visits.ToArray();

    /// <summary>Changes the state, then throws: the change stays, as it would on a local object.</summary>
    public virtual void Break(string why)
    {
        _count = -1;
        throw new InvalidOperationException(why);
    }

    /// <summary>Holds the state until the test opens <paramref name="gate"/>.</summary>
    public virtual async Task HoldAsync(string gate)
    {
        _visits.Add("hold");
        Gates.Enter(gate);
        await Gates.WaitAsync(gate);
    }
}

/// <summary>Named gates a test opens to let a held [Cached] call finish, and learns when the call has started.</summary>
internal static class Gates
{
    private static readonly ConcurrentDictionary<string, (TaskCompletionSource Entered, TaskCompletionSource Released)> All = new();

    public static string New() => Guid.NewGuid().ToString("N");

    public static void Enter(string gate) => Of(gate).Entered.TrySetResult();

    public static Task EnteredAsync(string gate) => Of(gate).Entered.Task;

    public static Task WaitAsync(string gate) => Of(gate).Released.Task;

    public static void Release(string gate) => Of(gate).Released.TrySetResult();

    private static (TaskCompletionSource Entered, TaskCompletionSource Released) Of(string gate)
        => All.GetOrAdd(gate, _ => (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)));
}

/// <summary>Two [Cached] objects that call each other back: A's method calls B, whose method calls A again.</summary>
[Cached]
public partial class Volley
{
    private int _hits;

    public Volley() { }

    public virtual async Task<int> ServeAsync(Volley partner)
    {
        await Task.Yield();
        // The partner's call comes back here while this call still holds this object's state.
        return await partner.ReturnAsync(this) + ++_hits;
    }

    public virtual async Task<int> ReturnAsync(Volley server)
    {
        await Task.Yield();
        return await server.HitAsync() + ++_hits;
    }

    public virtual async Task<int> HitAsync()
    {
        await Task.Yield();
        return ++_hits * 10;
    }
}

/// <summary>A field type whose deserialization can be made to fail, as a buggy serialization hook would.</summary>
[MemoryPack.MemoryPackable]
public partial class Fragile
{
    public static volatile bool Breaking;

    public int Touches { get; set; }

    [MemoryPack.MemoryPackOnDeserialized]
    private void OnDeserialized()
    {
        if (Breaking) throw new InvalidOperationException("this piece breaks when it lands");
    }
}

[Cached]
public partial class Vase
{
    private Fragile _piece = new();

    public Vase() { }

    public virtual int Touch() => ++_piece.Touches;
}
