using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>
/// A started scenario: its server process and client plumbing, kept alive while every workload takes its
/// turns, and the workloads it offers. Disposing releases the resources in reverse order of starting.
/// </summary>
internal sealed class Scenario : IAsyncDisposable
{
    private readonly Stack<IAsyncDisposable> _resources = new();

    public List<Workload> Workloads { get; } = new();

    public T Own<T>(T resource) where T : IAsyncDisposable
    {
        _resources.Push(resource);
        return resource;
    }

    public void Own(Func<Task> release) => _resources.Push(new Release(release));

    /// <summary>Starts a scenario; if starting fails half-way, what was started is released before the error surfaces.</summary>
    public static async Task<Scenario> StartAsync(Func<Scenario, Task> start)
    {
        var scenario = new Scenario();
        try
        {
            await start(scenario);
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_resources.TryPop(out var resource)) await resource.DisposeAsync();
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
