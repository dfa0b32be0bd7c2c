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

    [Fact]
    public void ParameterNamesOfGeneratedCode_CompileWithoutWarnings() => AssertCleanBuild(TestSources.ReservedNames, expectedFiles: 1);

    [Fact]
    public void RequiredMembers_CompileWithoutWarnings() => AssertCleanBuild(TestSources.RequiredMembers, expectedFiles: 2);

    [Fact]
    public void RestatedConstructor_StillRequiresRequiredMembers()
    {
        // Only the proxy's constructors may claim to set required members; user code must still set them.
        var output = GeneratorHarness.Run(TestSources.RequiredMembers, "namespace Contoso.Accounts; static class Use { static Account Make() => new Account(); }");

        var errors = GeneratorHarness.EmitDiagnostics(output.Output).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal(["CS9035", "CS9035"], errors.Select(d => d.Id));
    }

    private static void AssertCleanBuild(string source, int expectedFiles)
    {
        var output = GeneratorHarness.Run(source);

        // Without output there would be nothing to check, and the test would pass vacuously.
        Assert.Equal(expectedFiles, output.Sources.Length);
        var problems = GeneratorHarness.EmitDiagnostics(output.Output).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }
}
