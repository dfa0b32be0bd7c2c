using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tessera.Generators.Model;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>The [Async] generator: baselines, a clean build, the reference's shapes, and incrementality.</summary>
public sealed class AsyncGeneratorTests
{
    private static readonly string[] TrackedSteps = [TrackingNames.AsyncClasses, TrackingNames.AsyncModels];

    [Fact]
    public void Mailroom_MatchesBaseline()
        => BaselineTests.VerifyAgainstBaselines(GeneratorHarness.Run(new AsyncGenerator(), AsyncSources.Mailroom), "Contoso.Post.Mailroom.Tessera.g.cs");

    [Fact]
    public void AsyncCoder_MatchesBaseline()
        => BaselineTests.VerifyAgainstBaselines(GeneratorHarness.Run(new AsyncGenerator(), AsyncSources.AsyncCoder), "Tessera.Samples.Coder.AsyncCoder.Tessera.g.cs");

    [Theory]
    [InlineData(AsyncSources.Mailroom)]
    [InlineData(AsyncSources.AsyncCoder)]
    [InlineData(AsyncSources.Parcel)]
    public void GeneratedCode_CompilesWithoutWarnings(string source)
    {
        var output = GeneratorHarness.Run(new AsyncGenerator(), source);

        Assert.Single(output.Sources);
        var problems = GeneratorHarness.EmitDiagnostics(output.Output).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    [Fact]
    public void TheReference_MirrorsEveryMethodWithAVariable_AndOneWayReturnsNothing()
    {
        var text = GeneratorHarness.Run(new AsyncGenerator(), AsyncSources.Mailroom).Sources.Single().SourceText.ToString();

        Assert.Contains("public global::Tessera.Dataflow<int> Count()", text);
        Assert.Contains("public global::Tessera.Dataflow Post(string letter, string? note)", text);
        Assert.Contains("public void Drop(string letter)", text);
        Assert.Contains("public global::Tessera.Dataflow<string> SortAsync(string bin, global::System.Threading.CancellationToken cancellationToken)", text);
        Assert.Contains("public global::Tessera.Dataflow FlushAsync()", text);
        Assert.Contains("public global::Tessera.Dataflow<int> WeighAsync(int[] parcels)", text);
        Assert.Contains("public static Ref Create(string name, int capacity = 10)", text);
        Assert.Contains("internal static Ref Create(global::Contoso.Post.Mailroom parent)", text);
        Assert.Contains("VariableMarshaller.Write(ref __writer, __site, ticket, global::Tessera.Infrastructure.DataflowCodec.Copy<int>())", text);
        Assert.Contains("VariableMarshaller.Read(ref __reader, __site, global::Tessera.Infrastructure.DataflowCodec.Completion)", text);
        Assert.Contains("AsyncTypeInfo<global::Contoso.Post.Mailroom>", text);
    }

    [Fact]
    public void EditingAMethodBody_LeavesEveryStepCachedOrUnchanged()
    {
        var (driver, compilation) = RunOnce();

        var edited = Replace(compilation, AsyncSources.Mailroom, AsyncSources.Mailroom.Replace("=> _letters.Count;", "=> _letters.Count + 0;"));

        AssertAll(driver.RunGenerators(edited), IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void AddingAnUnrelatedFile_LeavesEveryStepCached()
    {
        var (driver, compilation) = RunOnce();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Contoso.Billing; public class Payment { }", GeneratorHarness.ParseOptions));

        AssertAll(driver.RunGenerators(edited), IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void MarkingAMethodOneWay_ModifiesTheModel()
    {
        var (driver, compilation) = RunOnce();

        var edited = Replace(compilation, AsyncSources.Mailroom, AsyncSources.Mailroom.Replace("public virtual void Post(", "[OneWay]\n    public virtual void Post("));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        foreach (var step in TrackedSteps) Assert.Contains(IncrementalStepRunReason.Modified, Outputs(result, step).Select(o => o.Reason));
    }

    [Fact]
    public void Models_HoldNoSymbolsSyntaxOrLocations()
    {
        var (driver, _) = RunOnce();

        var values = TrackedSteps.SelectMany(step => Outputs(driver.GetRunResult().Results.Single(), step)).Select(o => o.Value).ToList();
        Assert.NotEmpty(values);
        foreach (var value in values)
        {
            var problems = IncrementalityTests.ForbiddenMembers(value.GetType(), value.GetType().Name, typeof(TrackingNames).Assembly).ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }
    }

    private static (GeneratorDriver Driver, Compilation Compilation) RunOnce()
    {
        var compilation = GeneratorHarness.CreateCompilation(AsyncSources.Mailroom, AsyncSources.Parcel);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true, generator: new AsyncGenerator()).RunGenerators(compilation);
        // Two classes in the input: both must have gone through both steps, or later assertions are vacuous.
        foreach (var step in TrackedSteps) Assert.Equal(2, Outputs(driver.GetRunResult().Results.Single(), step).Count());
        return (driver, compilation);
    }

    private static Compilation Replace(Compilation compilation, string oldSource, string newSource)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString() == oldSource);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(newSource)));
    }

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step)
        => result.TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs)
            : throw new Xunit.Sdk.XunitException($"The generator has no step named {step}.");

    private static void AssertAll(GeneratorDriver driver, params IncrementalStepRunReason[] allowed)
    {
        var result = driver.GetRunResult().Results.Single();
        foreach (var step in TrackedSteps)
        {
            var outputs = Outputs(result, step).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.Contains(output.Reason, allowed));
        }
    }
}
