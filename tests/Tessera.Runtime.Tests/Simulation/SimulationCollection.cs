using Xunit;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// The simulation runs alone: it loads the machine on purpose, and other tests' timing assertions (detection
/// windows, heartbeat counts) must not share the cores with it, nor it with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulationCollection
{
    public const string Name = "Simulation";
}
