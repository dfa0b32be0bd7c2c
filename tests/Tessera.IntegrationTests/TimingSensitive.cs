using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>
/// Tests that judge a failure detector with bounds of a few hundred milliseconds run alone, after the rest: on 2 cores,
/// a NativeAOT publish or a package build running beside them starves the processes for longer than the bound, and the
/// detector then reports a silence that really happened (seen once as a second TempFail after a blackholed link recovered).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing-sensitive";
}
