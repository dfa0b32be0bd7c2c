using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>The class-shape and member rules hold for [Cached] and [Async] classes, whose generators share the [Stationary] parser's limits.</summary>
public class DistributedKindTests
{
    [Theory]
    [InlineData("Cached")]
    [InlineData("Async")]
    public async Task ShapeRules_FireOnEveryKind(string attribute)
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync($$"""
            [{{attribute}}]
            public class {|TESS0001:NotPartial|} { public virtual int Get() => 1; }

            [{{attribute}}]
            public partial class {|TESS0002:Box|}<T> { public virtual int Get() => 1; }

            [{{attribute}}]
            public sealed partial class {|TESS0006:Closed|} { }

            [{{attribute}}]
            public partial record {|TESS0008:Point|} { public virtual int Get() => 1; }

            [{{attribute}}]
            public partial class Shaped
            {
                public int {|TESS0005:Peek|}() => 1;
                public int {|TESS0007:Count|} { get; set; }
                public virtual T {|TESS0003:Echo|}<T>(T value) => value;
                public virtual void Swap(ref int {|TESS0004:a|}) { }
                public virtual void Every(Action {|TESS0004:callback|}) { }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "TESS0001" && d.GetMessage().StartsWith($"[{attribute}] class 'NotPartial'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Cached")]
    [InlineData("Async")]
    public async Task RepresentativeClass_NoDiagnostic(string attribute)
    {
        await AnalyzerVerifier.VerifyAsync($$"""
            [{{attribute}}]
            public partial class Coder
            {
                private int _seed;
                public Coder(int seed) => _seed = seed;
                public virtual int Get() => _seed++;
                public virtual Task<string> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(_seed.ToString());
                public override string ToString() => "Coder";
            }
            """);
    }

    [Fact]
    public async Task TESS0010_NewOnAsync_IsAnError()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Async]
            public partial class Worker { public virtual int Get() => 1; }

            public static class Use
            {
                public static object Make() => {|TESS0010:new Worker()|};
            }
            """);
        Assert.Contains("not one at a time on its own executor", Assert.Single(diagnostics).GetMessage());
    }
}
