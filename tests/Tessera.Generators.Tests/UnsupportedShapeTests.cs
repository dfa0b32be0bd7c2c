using Microsoft.CodeAnalysis;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>
/// Shapes the generator cannot serve are Tessera.Analyzers' to report. Whatever the generator emits
/// for them must not add compile errors of its own on top, or users see noise instead of the real cause.
/// </summary>
public sealed class UnsupportedShapeTests
{
    [Theory]
    [InlineData("GenericClass", """
        [Stationary]
        public partial class Box<T>
        {
            public virtual T? Get() => default;
        }
        """)]
    [InlineData("NonPartialClass", """
        [Stationary]
        public class Plain
        {
            public virtual int Get() => 1;
        }
        """)]
    [InlineData("GenericMethod", """
        [Stationary]
        public partial class Echo
        {
            public virtual T Repeat<T>(T value) => value;

            public virtual int Count() => 1;
        }
        """)]
    [InlineData("ByRefParameters", """
        [Stationary]
        public partial class Counter
        {
            public virtual bool TryGet(string key, out int value)
            {
                value = key.Length;
                return true;
            }

            public virtual void Bump(ref int value) => value++;

            public virtual int Count() => 1;
        }
        """)]
    public void UnsupportedShape_AddsNoCompileErrors(string shape, string declaration)
    {
        var output = GeneratorHarness.Run("using Tessera;\n\nnamespace Contoso;\n\n" + declaration);

        var before = Errors(output.Input).Select(Key).ToHashSet();
        // Keyed by id and position, so an error the generator caused in user code (a missing partial, say) counts too.
        var added = Errors(output.Output).Where(d => !before.Contains(Key(d))).ToList();
        Assert.True(added.Count == 0, $"{shape}:{Environment.NewLine}{GeneratorHarness.Describe(added)}");
    }

    [Theory]
    [InlineData("public partial class Box<T> { public virtual int Get() => 1; }")]
    [InlineData("public class Plain { public virtual int Get() => 1; }")]
    public void UnservableClass_GetsNoGeneratedFile(string declaration)
        => Assert.Empty(GeneratorHarness.Run("using Tessera;\n\nnamespace Contoso;\n\n[Stationary]\n" + declaration).Sources);

    [Fact]
    public void UnservableMethods_AreLeftOutOfAServedClass()
    {
        var output = GeneratorHarness.Run("""
            using Tessera;

            namespace Contoso;

            [Stationary]
            public partial class Mixed
            {
                public virtual T Repeat<T>(T value) => value;

                public virtual void Bump(ref int value) => value++;

                public virtual int Count() => 1;
            }
            """);

        var text = output.Text("Contoso.Mixed.Tessera.g.cs");
        Assert.Contains("public override int Count()", text);
        Assert.DoesNotContain("Repeat", text);
        Assert.DoesNotContain("Bump", text);
    }

    private static IEnumerable<Diagnostic> Errors(Compilation compilation)
        => GeneratorHarness.EmitDiagnostics(compilation).Where(d => d.Severity == DiagnosticSeverity.Error);

    private static (string Id, string Path, int Start) Key(Diagnostic diagnostic)
        => (diagnostic.Id, diagnostic.Location.SourceTree?.FilePath ?? "", diagnostic.Location.SourceSpan.Start);
}
