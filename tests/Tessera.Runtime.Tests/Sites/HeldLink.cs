using Tessera.Transport.InMemory;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Holds every byte on the network's links made afterwards, once told to, until opened.</summary>
internal sealed class HeldLink
{
    private TaskCompletionSource? _held;

    public HeldLink(InMemoryNetwork network) => network.DeliveryDelay = () => Volatile.Read(ref _held) is { } held ? new ValueTask(held.Task) : default;

    public void Hold() => Volatile.Write(ref _held, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Open() => Interlocked.Exchange(ref _held, null)?.TrySetResult();
}
