using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Tessera.Generators;
using Tessera.Generators.Cached;

namespace Tessera.Analyzers.Tests;

/// <summary>
/// Runs every Tessera analyzer with Microsoft.CodeAnalysis.CSharp.Analyzer.Testing on test source compiled with the
/// output of Tessera's real generators, so that rules about generated members (an [Async] class's Ref, the
/// factories) see what users get, and the generated code must compile. Diagnostics are marked in the source as
/// <c>{|TESS0001:text|}</c>; the framework also checks that none are reported once the source is marked generated.
/// </summary>
internal static class FrameworkVerifier
{
    public static async Task VerifyAsync(string source)
    {
        var test = new Test { TestCode = FrameworkSetup.Usings + source, ReferenceAssemblies = FrameworkSetup.Net100 };
        test.TestState.AdditionalReferences.Add(typeof(StationaryAttribute).Assembly);
        test.TestState.AdditionalReferences.Add(typeof(MemoryPack.MemoryPackableAttribute).Assembly);
        await test.RunAsync();
    }

    private sealed class Test : CSharpAnalyzerTest<EmptyDiagnosticAnalyzer, DefaultVerifier>
    {
        public Test()
        {
            // The generated files are the generators' business, checked by their own baseline tests.
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            // TESS0012 and TESS0019 each come from two analyzers, as one shared descriptor.
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
        }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => AnalyzerVerifier.Analyzers;

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(StationaryGenerator), typeof(CachedGenerator), typeof(AsyncGenerator)];

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);

        protected override CompilationOptions CreateCompilationOptions()
            => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable).WithAllowUnsafe(true);
    }
}
