using Microsoft.CodeAnalysis;
using Tessera.Generators.Cached;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>
/// Names C# allows that generated code used to trip on: keywords written with '@', contextual keywords, a discard-like
/// '_', and two classes whose names differ only in case (Roslyn compares hint names ignoring case, and one refused
/// name used to throw away every generated file).
/// </summary>
public sealed class AwkwardNameTests
{
    private const string KeywordNames = """
        using System.Threading.Tasks;
        using Tessera;

        namespace Contoso.@event;

        [{0}]
        public partial class @class
        {{
            public virtual int @params(int @object) => @object + 1;
            public virtual Task<int> WaitAsync(int await, int async) => Task.FromResult(await + async);
            public virtual int Keep(int _) => _;
            public virtual int var(int nameof, int value) => nameof + value;
        }}
        """;

    [Theory]
    [InlineData("Stationary")]
    [InlineData("Async")]
    [InlineData("Cached")]
    public void Keywords_and_contextual_keywords_as_names_compile(string kind)
    {
        var output = GeneratorHarness.Run(GeneratorFor(kind), string.Format(KeywordNames, kind));

        var source = Assert.Single(output.Sources);
        Assert.Equal("Contoso.event.class.Tessera.g.cs", source.HintName);
        AssertCompilesCleanly(output);
    }

    [Fact]
    public void Classes_whose_names_differ_only_in_case_get_distinct_files_and_compile()
    {
        var output = GeneratorHarness.Run("""
            using Tessera;

            namespace Contoso.Shop;

            [Stationary]
            public partial class Cart { public virtual int Count() => 1; }

            [Stationary]
            public partial class CART { public virtual int Count() => 2; }

            [Stationary]
            public partial class Till { public virtual int Total() => 3; }
            """);

        var names = output.Sources.Select(s => s.HintName).ToList();
        Assert.Equal(3, names.Count);
        Assert.Equal(3, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        // Only the colliding pair is renamed.
        Assert.Contains("Contoso.Shop.Till.Tessera.g.cs", names);
        AssertCompilesCleanly(output);
    }

    private static IIncrementalGenerator GeneratorFor(string kind) => kind switch
    {
        "Stationary" => new StationaryGenerator(),
        "Async" => new AsyncGenerator(),
        _ => new CachedGenerator(),
    };

    private static void AssertCompilesCleanly(GeneratedOutput output)
    {
        var problems = GeneratorHarness.EmitDiagnostics(output.Output).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    private const string DefaultsAndParams = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Other;
        using Tessera;

        namespace Other
        {
            public enum Color { Red, Blue }
            public static class Limits { public const int Max = 9; }
        }

        namespace Contoso.Paint
        {
            [KIND]
            public partial class Painter
            {
                private decimal _m;

                public Painter([System.Runtime.InteropServices.Optional, System.Runtime.CompilerServices.DateTimeConstant(630822816000000000)] DateTime when,
                    [System.Runtime.InteropServices.Optional] int maybe, Color c = Color.Blue, int n = Limits.Max, double d = double.NaN, double z = -0.0, decimal m = 1.0000000000000000001m,
                    decimal big = decimal.MaxValue, Color? o = Color.Blue, DayOfWeek? day = DayOfWeek.Monday, string s = "a\"b", long low = long.MinValue, byte small = 7)
                    => _m = m;

                public virtual decimal Get() => _m;
                public virtual int Sum(params int[] xs) => xs.Length;
                public virtual Task<int> WithDefault(int x = 5, CancellationToken cancellationToken = default) => Task.FromResult(x);
                public virtual long Ticks([System.Runtime.InteropServices.Optional, System.Runtime.CompilerServices.DateTimeConstant(630822816000000000)] DateTime when) => when.Ticks;
                [Obsolete("old")] public virtual int Old() => 1;
            }

            static class Use
            {
                static void Make() => Painter.Create();
            }
        }
        """;

    [Theory]
    [InlineData("Async")]
    [InlineData("Cached")]
    public void Constructor_defaults_are_written_as_constants_that_compile_and_keep_their_value(string kind)
    {
        var output = GeneratorHarness.Run(GeneratorFor(kind), DefaultsAndParams.Replace("KIND", kind));

        var text = Assert.Single(output.Sources).SourceText.ToString();
        Assert.Contains("1.0000000000000000001m", text);
        Assert.Contains("double.NaN", text);
        Assert.Contains("-0.0d", text);
        AssertCompilesCleanly(output);
    }

    [Fact]
    public void Async_references_keep_params_and_optional_parameters()
    {
        var source = DefaultsAndParams.Replace("KIND", "Async").Replace(
            "static void Make() => Painter.Create();",
            "static async Task Make() { var painter = Painter.Create(); int n = painter.Sum(1, 2, 3); int x = await painter.WithDefault(); long t = await painter.Ticks(); }");

        AssertCompilesCleanly(GeneratorHarness.Run(new AsyncGenerator(), source));
    }

    [Fact]
    public void A_protected_internal_constructor_with_an_in_parameter_gets_its_async_factory()
    {
        var output = GeneratorHarness.Run(new AsyncGenerator(), """
            using Tessera;

            namespace Contoso.Work;

            [Async]
            public partial class Worker
            {
                protected internal Worker(in int seed) { }
                public virtual int Get() => 1;
            }

            static class Use
            {
                static Worker.Ref Make() => Worker.Create(in Seed);
                static readonly int Seed = 4;
            }
            """);

        AssertCompilesCleanly(output);
    }
}
