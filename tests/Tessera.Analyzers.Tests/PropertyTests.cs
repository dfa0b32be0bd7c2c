using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0007: public properties and indexers of a [Stationary] class.</summary>
public class PropertyTests
{
    [Fact]
    public async Task TESS0007_PublicInstancePropertiesAndIndexers()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Counter
            {
                public virtual int {|TESS0007:Count|} { get; set; }
                public string {|TESS0007:Name|} { get; private set; } = "";
                public int {|TESS0007:this|}[int index] => index;
            }
            """);
        var messages = diagnostics.Select(d => d.GetMessage()).ToList();
        Assert.Contains("Public property 'Counter.Count' is not remotable in this version, so reading it through a remote reference runs on the local proxy instead of on the home site; replace it with virtual methods such as 'GetCount()' and 'SetCount(value)'", messages);
        Assert.Contains(messages, m => m.EndsWith("replace it with a virtual method such as 'GetName()'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Public indexer 'Counter.this[]'", StringComparison.Ordinal) && m.EndsWith("'GetItem(index)'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TESS0007_NonPublicOrStaticProperties_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Counter
            {
                public static int Instances { get; set; }
                internal int Count { get; set; }
                protected string Name { get; set; } = "";
                private int this[int index] => index;
                public virtual int GetCount() => Count + this[0];
            }
            """);
    }
}
