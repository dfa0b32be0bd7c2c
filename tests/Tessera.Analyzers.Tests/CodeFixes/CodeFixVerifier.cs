using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Tessera.Analyzers.Tests.CodeFixes;

/// <summary>
/// Runs a code fix with Microsoft.CodeAnalysis.Testing: the fix of each diagnostic, then Fix All in the
/// document, project and solution, which the framework checks by default against the same fixed source.
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TFix : CodeFixProvider, new()
{
    private const string Usings = FrameworkSetup.Usings;

    /// <param name="generated">Stands for the generator's output (factories and the like), added as generated code.</param>
    public static async Task VerifyAsync(string source, string fixedSource, string? generated = null)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            ReferenceAssemblies = FrameworkSetup.Net100,
        };
        test.TestState.AdditionalReferences.Add(typeof(StationaryAttribute).Assembly);
        test.FixedState.AdditionalReferences.Add(typeof(StationaryAttribute).Assembly);
        if (generated is not null)
        {
            test.TestState.Sources.Add(("Generated.g.cs", Usings + generated));
            test.FixedState.Sources.Add(("Generated.g.cs", Usings + generated));
        }
        await test.RunAsync();
    }
}
