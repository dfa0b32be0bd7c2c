using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>
/// Tests that force garbage collections all along run alone: back-to-back full collections and finalizer waits
/// stall every thread in the process, and other tests' timing assertions (heartbeats, detection windows) must not
/// share the process with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ForcedCollectionCollection
{
    public const string Name = "Forced collections";
}
