using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0026: names starting with two underscores, which the generated code uses for its own.</summary>
public sealed class ReservedNameTests
{
    [Fact]
    public async Task TESS0026_ParametersTheGeneratorCopiesAndMembersOfTheClass()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Async]
            public partial class Meter
            {
                private int {|TESS0026:__tesseraState|};
                public Meter(int {|TESS0026:__site|}) => __tesseraState = __site;
                public virtual int Read(int {|TESS0026:__encoded|}, int scale) => Scale(__encoded * scale);
                private int Scale(int __value) => __value + __tesseraState;
                public virtual int {|TESS0026:__Peek|}() => __tesseraState;
            }

            [Stationary]
            public partial class Gauge
            {
                private readonly int _start;
                public Gauge(int __start) => _start = __start;
                public virtual int Read(int {|TESS0026:__writer|}) => _start + __writer;
            }
            """);

        Assert.Contains(
            "Parameter '__encoded' of [Async] class 'Meter' starts with two underscores, which C# reserves and the generated code uses for its own locals and members; rename it",
            diagnostics.Select(d => d.GetMessage()));
        Assert.Contains("Field '__tesseraState' of [Async] class 'Meter'", diagnostics.Select(d => d.GetMessage()).Single(m => m.Contains("'__tesseraState'")));
    }

    [Fact]
    public async Task TESS0026_NamesWithUnderscoresElsewhereAreFine()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Cached]
            public partial class Tally
            {
                private int _count;
                private int count__;
                public virtual int Add(int by_, int a__b) => _count += by_ + a__b + count__;
            }
            """);
    }
}
