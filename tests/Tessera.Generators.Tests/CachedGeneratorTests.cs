using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tessera.Generators.Cached;
using Tessera.Generators.Model;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>The [Cached] generator: baselines, a clean build, incrementality, the fingerprint, and the shapes it refuses.</summary>
public sealed class CachedGeneratorTests
{
    private static readonly string[] TrackedSteps = [TrackingNames.CachedClasses, TrackingNames.CachedModels];

    [Fact]
    public void Ledger_MatchesBaseline()
        => BaselineTests.VerifyAgainstBaselines(GeneratorHarness.Run(new CachedGenerator(), CachedSources.Ledger), "Contoso.Ledgers.Ledger.Tessera.g.cs");

    [Fact]
    public void CachedCoder_MatchesBaseline()
        => BaselineTests.VerifyAgainstBaselines(GeneratorHarness.Run(new CachedGenerator(), CachedSources.CachedCoder), "Tessera.Samples.Coder.CachedCoder.Tessera.g.cs");

    [Theory]
    [InlineData(CachedSources.Ledger)]
    [InlineData(CachedSources.CachedCoder)]
    [InlineData(CachedSources.Tally)]
    public void GeneratedCode_CompilesWithoutWarnings(string source)
    {
        var output = GeneratorHarness.Run(new CachedGenerator(), source);

        Assert.Single(output.Sources);
        var problems = GeneratorHarness.EmitDiagnostics(output.Output).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    [Fact]
    public void Ledger_GetsOneFactoryPerAccessibleConstructor()
    {
        var text = GeneratorHarness.Run(new CachedGenerator(), CachedSources.Ledger).Sources.Single().SourceText.ToString();

        Assert.Contains("public static global::Contoso.Ledgers.Ledger Create(string owner, global::Contoso.Ledgers.Currency currency = (global::Contoso.Ledgers.Currency)(1), int limit = 10)", text);
        Assert.Contains("internal static global::Contoso.Ledgers.Ledger Create(string owner, global::Contoso.Ledgers.Ledger parent)", text);
        Assert.Equal(2, CountOf(text, " Create("));
    }

    [Fact]
    public void Ledger_CapturesEveryInstanceField_IncludingBackingAndBaseFields()
    {
        var text = GeneratorHarness.Run(new CachedGenerator(), CachedSources.Ledger).Sources.Single().SourceText.ToString();

        foreach (var field in new[] { "_entries", "_owner", "_parent", "<Currency>k__BackingField", "<Limit>k__BackingField" })
            Assert.Contains($"Name = \"{field}\")]", text);
        Assert.Contains("Name = \"_revision\")]", text);
        Assert.Contains("(global::Contoso.Ledgers.Audited __target)", text);
        Assert.Contains("ReferenceMarshaller.Write(ref __writer, __site, __f2, global::Contoso.Ledgers.Ledger.TesseraType)", text);
    }

    [Fact]
    public void AddingAField_ChangesTheFingerprint()
    {
        var before = Fingerprint(CachedSources.CachedCoder);
        var after = Fingerprint(CachedSources.CachedCoder.Replace("private int _seed;", "private int _seed;\n    private int _calls;"));
        var bodyEdited = Fingerprint(CachedSources.CachedCoder.Replace("% 1001", "% 1009"));

        Assert.NotEqual(before, after);
        Assert.Equal(before, bodyEdited);
    }

    [Fact]
    public void AddingAnUnrelatedFile_LeavesEveryStepCached()
    {
        var (driver, compilation) = RunOnce();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Contoso.Billing; public class Payment { }", GeneratorHarness.ParseOptions));

        IncrementalSteps.AssertAllOutputs(driver.RunGenerators(edited), TrackedSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void EditingAMethodBody_ProducesAnEqualModel()
    {
        var (driver, compilation) = RunOnce();

        var edited = IncrementalSteps.ReplaceText(compilation, CachedSources.Ledger, CachedSources.Ledger.Replace("posts\";", "entries\";"));

        IncrementalSteps.AssertAllOutputs(driver.RunGenerators(edited), TrackedSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void AddingAField_ModifiesTheModel()
    {
        var (driver, compilation) = RunOnce();

        var edited = IncrementalSteps.ReplaceText(compilation, CachedSources.Ledger, CachedSources.Ledger.Replace("private Ledger? _parent;", "private Ledger? _parent;\n    private long _closedAt;"));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        foreach (var step in TrackedSteps) Assert.Contains(IncrementalStepRunReason.Modified, IncrementalSteps.Outputs(result, step).Select(o => o.Reason));
    }

    [Fact]
    public void Models_HoldNoSymbolsSyntaxOrLocations()
    {
        var (driver, _) = RunOnce();
        var result = driver.GetRunResult().Results.Single();

        var values = TrackedSteps.SelectMany(step => IncrementalSteps.Outputs(result, step)).Select(o => o.Value).ToList();
        Assert.NotEmpty(values);
        foreach (var value in values)
        {
            var problems = IncrementalityTests.ForbiddenMembers(value.GetType(), value.GetType().Name, typeof(TrackingNames).Assembly).ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }
    }

    [Theory]
    [InlineData("public class Remote : System.Collections.ObjectModel.Collection<int> { }", "Remote")]
    [InlineData("public class Plain { }", "System.Action? _onChange")]
    [InlineData("public class Plain { }", "object? _anything")]
    [InlineData("public class Plain { }", "volatile int _flag")]
    public void UnsupportedShapes_GenerateNothing(string other, string variation)
    {
        var source = variation.Contains(' ')
            ? $"using Tessera; namespace N; {other} [Cached] public partial class C {{ private {variation}; public virtual void M() {{ }} }}"
            : $"using Tessera; namespace N; {other} [Cached] public partial class C : {variation} {{ public virtual void M() {{ }} }}";

        Assert.Empty(GeneratorHarness.Run(new CachedGenerator(), source).Sources);
    }

    private static ulong Fingerprint(string source)
    {
        var text = GeneratorHarness.Run(new CachedGenerator(), source).Sources.Single().SourceText.ToString();
        var start = text.IndexOf("\", 0x", StringComparison.Ordinal) + 5;
        return Convert.ToUInt64(text.Substring(start, 16), 16);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    private static (GeneratorDriver Driver, Compilation Compilation) RunOnce()
    {
        var compilation = GeneratorHarness.CreateCompilation(CachedSources.Ledger, CachedSources.Tally);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true, generator: new CachedGenerator()).RunGenerators(compilation);
        // Two classes in the input: both must have gone through both steps, or later assertions are vacuous.
        foreach (var step in TrackedSteps) Assert.Equal(2, IncrementalSteps.Outputs(driver.GetRunResult().Results.Single(), step).Count());
        return (driver, compilation);
    }
}
