using System.Runtime.CompilerServices;
using Tessera;
using Tessera.Runtime.Tests.Sites;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>Makes a fresh object per call, so every result is a new export at home and a new proxy at the caller.</summary>
[Stationary]
public partial class GreeterFactory
{
    public virtual Greeter Make() => new();

    public virtual Greeter[] MakeMany(int count)
    {
        var made = new Greeter[count];
        for (var i = 0; i < made.Length; i++) made[i] = new Greeter();
        return made;
    }
}

/// <summary>Helpers for collecting proxies: the references are made in frames the JIT may not keep alive.</summary>
internal static class Collect
{
    public static void Garbage()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MakeAndDrop(GreeterFactory factory, int count)
    {
        for (var i = 0; i < count; i++) factory.Make();
    }
}

/// <summary>An object that answers without blocking a thread, for the many-site runs.</summary>
[Stationary]
public partial class Echo
{
    private int _pings;

    public virtual Task<int> PingAsync() => Task.FromResult(Interlocked.Increment(ref _pings));

    public virtual int Pings() => Volatile.Read(ref _pings);
}

/// <summary>Holds <see cref="Echo"/> references and passes them on; every method is asynchronous, so no thread waits on a reply.</summary>
[Stationary]
public partial class Relay
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Echo> _held = new();

    public virtual Task HoldAsync(int slot, Echo echo)
    {
        lock (_gate) _held[slot] = echo;
        return Task.CompletedTask;
    }

    /// <summary>Sends the reference in <paramref name="slot"/> to <paramref name="next"/> and drops it here before the send arrives.</summary>
    public virtual async Task PassAsync(int slot, Relay next)
    {
        Echo echo;
        lock (_gate) _held.Remove(slot, out echo!);
        var sending = next.HoldAsync(slot, echo);
        RemoteReference.Release(echo);
        await sending;
    }

    /// <summary>Calls the held object: fails if its home let it go too early.</summary>
    public virtual Task<int> UseAsync(int slot)
    {
        lock (_gate) return _held[slot].PingAsync();
    }

    public virtual Task DropAsync(int slot)
    {
        Echo? echo;
        lock (_gate) _held.Remove(slot, out echo);
        if (echo is not null) RemoteReference.Release(echo);
        return Task.CompletedTask;
    }
}
