using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tessera.Generators.Model;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>
/// The pipeline must not redo work on edits that cannot change its output: IDEs rerun generators on
/// every keystroke, so a model that never compares equal makes every edit regenerate every file.
/// </summary>
public sealed class IncrementalityTests
{
    private const string Unrelated = """
        namespace Contoso.Billing;

        public class Invoice
        {
            // The body below changes between runs.
            public int Total() => 1;
        }
        """;

    private static readonly string[] TrackedSteps = [TrackingNames.StationaryClasses, TrackingNames.StationaryModels];

    [Fact]
    public void AddingAnUnrelatedFile_LeavesEveryStepCached()
    {
        var (driver, compilation) = RunOnce(TestSources.Warehouse, Unrelated);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Contoso.Billing; public class Payment { }", GeneratorHarness.ParseOptions));

        IncrementalSteps.AssertAllOutputs(driver.RunGenerators(edited), TrackedSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void EditingANonDistributedFile_LeavesEveryStepCached()
    {
        var (driver, compilation) = RunOnce(TestSources.Warehouse, Unrelated);

        var edited = IncrementalSteps.ReplaceText(compilation, Unrelated, Unrelated.Replace("Total() => 1;", "Total() => 2; // recomputed"));

        IncrementalSteps.AssertAllOutputs(driver.RunGenerators(edited), TrackedSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void EditingAMethodBodyOfADistributedClass_ProducesAnEqualModel()
    {
        var (driver, compilation) = RunOnce(TestSources.Warehouse, Unrelated);

        // The syntax changes, so the transform reruns; only model equality keeps the output from being re-emitted.
        var edited = IncrementalSteps.ReplaceText(compilation, TestSources.Warehouse, TestSources.Warehouse.Replace("Reserve(sku, 1);", "Reserve(sku, 2);"));

        IncrementalSteps.AssertAllOutputs(driver.RunGenerators(edited), TrackedSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void EditingADistributedClass_LeavesTheHintNameStepUnchanged()
    {
        var (driver, compilation) = RunOnce(TestSources.Warehouse, Unrelated);

        // The names of the generated files are checked for case collisions across all classes; an edit that renames
        // nothing must not make that step's result change.
        var edited = IncrementalSteps.ReplaceText(compilation, TestSources.Warehouse, TestSources.Warehouse.Replace(
            "public virtual Task ClearAsync()",
            "public virtual int Capacity() => 100;\n\n    public virtual Task ClearAsync()"));

        IncrementalSteps.AssertAllOutputs(driver.RunGenerators(edited), [TrackingNames.StationaryHintNames], IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void AddingARemotableMethod_ModifiesTheModel()
    {
        var (driver, compilation) = RunOnce(TestSources.Warehouse, Unrelated);

        var edited = IncrementalSteps.ReplaceText(compilation, TestSources.Warehouse, TestSources.Warehouse.Replace(
            "public virtual Task ClearAsync()",
            "public virtual int Capacity() => 100;\n\n    public virtual Task ClearAsync()"));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        foreach (var stepName in TrackedSteps)
        {
            var reasons = IncrementalSteps.Outputs(result, stepName).Select(o => o.Reason).ToList();
            Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        }
    }

    [Fact]
    public void Models_HoldNoSymbolsSyntaxOrLocations()
    {
        var (driver, _) = RunOnce(TestSources.Warehouse, Unrelated);
        var result = driver.GetRunResult().Results.Single();

        var values = TrackedSteps.SelectMany(step => IncrementalSteps.Outputs(result, step)).Select(o => o.Value).ToList();
        Assert.NotEmpty(values);
        foreach (var value in values)
        {
            var problems = ForbiddenMembers(value.GetType(), value.GetType().Name, typeof(TrackingNames).Assembly).ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }
    }

    [Fact]
    public void ForbiddenMembers_FindsASymbolNestedInAnArray()
    {
        // Proves the walker above can fail, so its silence on the real models means something.
        Assert.Equal(
            ["Holder.Inner[].Symbol: Microsoft.CodeAnalysis.ISymbol"],
            ForbiddenMembers(typeof(Holder), nameof(Holder), typeof(IncrementalityTests).Assembly));
    }

    private static (GeneratorDriver Driver, Compilation Compilation) RunOnce(params string[] sources)
    {
        var compilation = GeneratorHarness.CreateCompilation(sources);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        // Two classes in the input: both must have gone through both steps, or later assertions are vacuous.
        foreach (var stepName in TrackedSteps) Assert.Equal(2, IncrementalSteps.Outputs(result, stepName).Count());
        return (driver, compilation);
    }

    /// <summary>Every member, reachable through public properties, whose type could pin a compilation in memory or never compare equal.</summary>
    internal static IEnumerable<string> ForbiddenMembers(Type type, string path, Assembly modelAssembly)
    {
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum) yield break;

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            foreach (var problem in ForbiddenMembers(underlying, path, modelAssembly)) yield return problem;
            yield break;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
        {
            foreach (var problem in ForbiddenMembers(type.GetGenericArguments()[0], path + "[]", modelAssembly)) yield return problem;
            yield break;
        }

        // Models are records of the model assembly; anything else (ImmutableArray, arrays, Roslyn types) is a leak.
        if (type.Assembly != modelAssembly)
        {
            yield return $"{path}: {type.FullName}";
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            foreach (var problem in ForbiddenMembers(property.PropertyType, path + "." + property.Name, modelAssembly)) yield return problem;
        }
    }

    private sealed record Holder(string Name)
    {
        public EquatableArray<Inner> Inner { get; } = EquatableArray<Inner>.Empty;
    }

    private sealed record Inner(int Count, ISymbol Symbol);
}
