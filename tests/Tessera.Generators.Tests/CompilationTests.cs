using Microsoft.CodeAnalysis;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>Generated code must compile without a single warning: users build with TreatWarningsAsErrors.</summary>
public sealed class CompilationTests
{
    [Fact]
    public void Warehouse_CompilesWithoutWarnings() => AssertCleanBuild(TestSources.Warehouse, expectedFiles: 2);

    [Fact]
    public void Coder_CompilesWithoutWarnings() => AssertCleanBuild(TestSources.Coder, expectedFiles: 1);

    private static void AssertCleanBuild(string source, int expectedFiles)
    {
        var output = GeneratorHarness.Run(source);

        // Without output there would be nothing to check, and the test would pass vacuously.
        Assert.Equal(expectedFiles, output.Sources.Length);
        var problems = GeneratorHarness.EmitDiagnostics(output.Output).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }
}
