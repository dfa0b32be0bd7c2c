using Xunit;

namespace Tessera.Runtime.Tests.Diagnostics;

/// <summary>
/// Listeners on the Tessera meter and activity source are process-wide: tests that register them run alone,
/// so no other test's calls are traced meanwhile and "nobody listens" really means nobody.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
