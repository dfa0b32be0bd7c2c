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
    [InlineData("PrimaryConstructor", """
        [Stationary]
        public partial class Coder(int seed)
        {
            public virtual int Get() => seed;
        }
        """)]
    [InlineData("Record", """
        [Stationary]
        public partial record Point(int X)
        {
            public virtual int Get() => X;
        }
        """)]
    [InlineData("BaseWithoutParameterlessConstructor", """
        public class Named
        {
            public Named(string name) => Name = name;

            protected string Name { get; }
        }

        [Stationary]
        public partial class Coder : Named
        {
            public Coder() : base("coder") { }

            public virtual string Get() => Name;
        }
        """)]
    [InlineData("StationaryBase", """
        [Stationary]
        public partial class Coder
        {
            public virtual int Get() => 1;
        }

        [Stationary]
        public partial class FastCoder : Coder
        {
            public override int Get() => 2;
        }
        """)]
    [InlineData("CollidingMethodIds", "[Stationary]\n" + CollidingMethodIds)]
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
    [InlineData("public partial class Coder(int seed) { public virtual int Get() => seed; }")]
    [InlineData("public partial class Coder : System.IO.StringReader { public Coder() : base(\"\") { } }")]
    [InlineData(CollidingMethodIds)]
    public void UnservableClass_GetsNoGeneratedFile(string declaration)
        => Assert.Empty(GeneratorHarness.Run("using Tessera;\n\nnamespace Contoso;\n\n[Stationary]\n" + declaration).Sources);

    [Fact]
    public void DerivedStationaryClass_GetsNoGeneratedFile()
    {
        var output = GeneratorHarness.Run("""
            using Tessera;

            namespace Contoso;

            [Stationary]
            public partial class Coder
            {
                public virtual int Get() => 1;
            }

            public partial class Middle : Coder { }

            [Stationary]
            public partial class FastCoder : Middle
            {
                public override int Get() => 2;
            }
            """);

        Assert.Equal(["Contoso.Coder.Tessera.g.cs"], output.Sources.Select(s => s.HintName));
    }

    [Theory]
    [InlineData("protected Base() { }")]
    [InlineData("internal Base(int seed = 1) { }")]
    [InlineData("protected Base(params int[] seeds) { }")]
    public void BaseWithCallableConstructor_IsServed(string constructor)
    {
        var output = GeneratorHarness.Run($$"""
            using Tessera;

            namespace Contoso;

            public class Base
            {
                {{constructor}}

                public Base(string name) { }
            }

            [Stationary]
            public partial class Coder : Base
            {
                public Coder() : base("coder") { }

                public virtual int Get() => 1;
            }
            """);

        Assert.Single(output.Sources);
        var problems = GeneratorHarness.EmitDiagnostics(output.Output).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

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

    /// <summary>"M15119()" and "M203802()" have the same 32-bit FNV-1a hash, so the two methods share an id.</summary>
    private const string CollidingMethodIds = """
        public partial class Clash
        {
            public virtual void M15119() { }

            public virtual void M203802() { }
        }
        """;

    private static IEnumerable<Diagnostic> Errors(Compilation compilation)
        => GeneratorHarness.EmitDiagnostics(compilation).Where(d => d.Severity == DiagnosticSeverity.Error);

    private static (string Id, string Path, int Start) Key(Diagnostic diagnostic)
        => (diagnostic.Id, diagnostic.Location.SourceTree?.FilePath ?? "", diagnostic.Location.SourceSpan.Start);
}
