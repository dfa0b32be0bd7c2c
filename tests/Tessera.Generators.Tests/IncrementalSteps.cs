using Microsoft.CodeAnalysis;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>Reading a generator run's tracked steps, for the incrementality tests of every generator.</summary>
internal static class IncrementalSteps
{
    public static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string stepName)
        => result.TrackedSteps.TryGetValue(stepName, out var steps)
            ? steps.SelectMany(step => step.Outputs)
            : throw new Xunit.Sdk.XunitException($"The generator has no step named {stepName}.");

    public static void AssertAllOutputs(GeneratorDriver driver, IEnumerable<string> stepNames, params IncrementalStepRunReason[] allowed)
    {
        var result = driver.GetRunResult().Results.Single();
        foreach (var stepName in stepNames)
        {
            var outputs = Outputs(result, stepName).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.Contains(output.Reason, allowed));
        }
    }

    public static Compilation ReplaceText(Compilation compilation, string oldSource, string newSource)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString() == oldSource);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(newSource)));
    }
}
