using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>A [Cached] counter shared by the test process and test-host processes.</summary>
[Cached]
public partial class CachedCounter
{
    private int _count;

    public virtual Task<int> IncrementAsync() => Task.FromResult(++_count);

    public virtual int Count() => _count;

    /// <summary>Takes the state and never gives it back: the process is killed while holding it.</summary>
    public virtual async Task HoldAsync()
    {
        Console.Out.WriteLine("holding");
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite);
    }
}
