using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>Builds in-memory compilations against .NET 10, the Tessera runtime and MemoryPack, and runs the generator on them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Site).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(MemoryPack.MemoryPackSerializer).Assembly.Location),
    ];

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CSharpCompilation.Create(
            "GeneratorInput",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Input{i}.cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                // Every warning wave, so generated code stays clean under whatever AnalysisLevel a user picks.
                warningLevel: 9999,
                // The .NET SDK passes these to csc too: MemoryPack is built against an older System.Runtime, unified by design.
                specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver CreateDriver(bool trackSteps = false, IIncrementalGenerator? generator = null)
        => CSharpGeneratorDriver.Create(
            [(generator ?? new StationaryGenerator()).AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static GeneratedOutput Run(params string[] sources) => Run(new StationaryGenerator(), sources);

    public static GeneratedOutput Run(IIncrementalGenerator generator, params string[] sources)
    {
        var input = CreateCompilation(sources);
        var driver = CreateDriver(generator: generator).RunGeneratorsAndUpdateCompilation(input, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(driverDiagnostics);
        return new GeneratedOutput(input, output, result.GeneratedSources);
    }

    /// <summary>Emits to memory, which reports the diagnostics that only code generation finds as well as the compiler's.</summary>
    public static ImmutableArray<Diagnostic> EmitDiagnostics(Compilation compilation)
    {
        using var stream = new MemoryStream();
        return compilation.Emit(stream).Diagnostics;
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics)
        => string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}

/// <param name="Input">The user's sources alone.</param>
/// <param name="Output">The user's sources plus everything generated.</param>
internal sealed record GeneratedOutput(Compilation Input, Compilation Output, ImmutableArray<GeneratedSourceResult> Sources)
{
    public string Text(string hintName) => Sources.Single(s => s.HintName == hintName).SourceText.ToString();

    public bool IsGenerated(SyntaxTree? tree) => tree is not null && Sources.Any(s => s.SyntaxTree == tree);
}
