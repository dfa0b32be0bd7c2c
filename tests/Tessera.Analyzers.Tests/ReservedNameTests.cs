using Microsoft.CodeAnalysis;
using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0026: parameters the generator copies, named like its own parameters, locals or types.</summary>
public sealed class ReservedNameTests
{
    [Fact]
    public async Task TESS0026_CopiedParametersNamedLikeGeneratedCode()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Async]
            public partial class Meter
            {
                public virtual int Read(int {|TESS0026:__encoded|}, int scale) => __encoded * scale;
                public virtual bool Same(Meter {|TESS0026:__target|}) => __target == this;
            }

            [Stationary]
            public partial class Gauge
            {
                public virtual int Read(int {|TESS0026:TesseraCodec|}) => TesseraCodec;
            }

            [Cached]
            public partial class Tally
            {
                private int _count;
                public Tally(int {|TESS0026:TesseraType|}) => _count = TesseraType;
                public virtual partial int Add(int {|TESS0026:__by|});
                public virtual partial int Add(int __by) => _count += __by;
            }
            """);

        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains(
            "Parameter '__encoded' of Meter.Read is copied into the code generated for this [Async] class, which uses names starting with two underscores, and TesseraCodec and TesseraType, for its own; rename it",
            diagnostics.Select(d => d.GetMessage()));
        Assert.Contains(diagnostics, d => d.GetMessage().StartsWith("Parameter 'TesseraType' of Tally.Create is copied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TESS0026_NamesTheGeneratedCodeNeverSeesAreFine()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Gauge
            {
                private int __count;
                public Gauge(int __start) => __count = __start;
                private int __Helper(int __scale) => __count * __scale;
                public virtual int Read(int by_, int a__b) => __Helper(by_ + a__b);
            }

            [Async]
            public partial class Meter
            {
                private readonly int _start;
                public Meter(int __site) => _start = __site;
                public virtual int Read() => _start;
            }

            [Cached]
            public partial class Tally
            {
                private int _count;
                public Tally() { }
                private Tally(int __tesseraState) => _count = __tesseraState;
                public virtual int Add(int by) => _count += by;
            }
            """);
    }
}
