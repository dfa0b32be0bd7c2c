using System.Collections.Immutable;
using System.Text;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>
/// Compiles test source against .NET 10 reference assemblies and the Tessera runtime, runs every Tessera
/// analyzer, and compares the diagnostics with the ones marked in the source as <c>{|TESS0001:text|}</c>.
/// </summary>
internal static class AnalyzerVerifier
{
    private const string Usings = FrameworkSetup.Usings;

    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new DistributedClassAnalyzer(),
        new RemotableMethodAnalyzer(),
        new NonVirtualMethodAnalyzer(),
        new InheritedMethodAnalyzer(),
        new PublicPropertyAnalyzer(),
        new CachedClassAnalyzer(),
        new ObjectCreationAnalyzer(),
        new MemberAnalyzer(),
        new DataflowBlockingAnalyzer(),
        new MemberBodyAnalyzer(),
        new AsyncSelfWaitAnalyzer(),
        new LockAcrossRemoteCallAnalyzer(),
        new MutatedArgumentAnalyzer(),
        new ExplicitImplementationAnalyzer());

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>
    /// Asserts that the analyzers report exactly the marked diagnostics. <paramref name="generated"/> is added as
    /// a generator's output would be, under a .g.cs name. Returns the diagnostics so tests can check messages.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAsync(string markup, string? generated = null)
    {
        var (source, expected) = Parse(Usings + markup);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Test0.cs") };
        if (generated is not null) trees.Add(CSharpSyntaxTree.ParseText(Usings + generated, ParseOptions, path: "Test0.Tessera.g.cs"));

        var compilation = CSharpCompilation.Create(
            "AnalyzerTests",
            trees,
            Net100.References.All
                .Add(MetadataReference.CreateFromFile(typeof(StationaryAttribute).Assembly.Location))
                .Add(MetadataReference.CreateFromFile(typeof(MemoryPack.MemoryPackableAttribute).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        // Test source that does not compile would test the analyzers against code no user can write.
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "Test source does not compile:\n" + string.Join("\n", errors));

        var diagnostics = await compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync();
        var actual = diagnostics
            .Select(d => Describe(d.Id, d.Location.SourceSpan, source))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected.Select(e => Describe(e.Id, e.Span, source)).Order(StringComparer.Ordinal).ToList(), actual);
        return diagnostics;
    }

    private static string Describe(string id, TextSpan span, string source)
    {
        var line = source.Take(span.Start).Count(c => c == '\n') + 1;
        return $"{id} at line {line} on '{source.Substring(span.Start, span.Length)}' ({span})";
    }

    private static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (!markup.AsSpan(i).StartsWith("{|"))
            {
                source.Append(markup[i++]);
                continue;
            }
            var colon = markup.IndexOf(':', i);
            var close = markup.IndexOf("|}", colon, StringComparison.Ordinal);
            var text = markup.Substring(colon + 1, close - colon - 1);
            expected.Add((markup.Substring(i + 2, colon - i - 2), new TextSpan(source.Length, text.Length)));
            source.Append(text);
            i = close + 2;
        }
        return (source.ToString(), expected);
    }
}
