using System.Text.RegularExpressions;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>
/// Method ids and the type fingerprint go over the wire between builds, so they must depend on the
/// remotable shape alone: moving a method in the file must not break a running peer.
/// </summary>
public sealed partial class MethodIdTests
{
    private const string HintName = "Contoso.Ledger.Tessera.g.cs";

    [Fact]
    public void ReorderingDeclarations_KeepsIdsAndFingerprint()
    {
        var original = Generate(("A", "int x"), ("B", "string s"), ("C", ""));
        var reordered = Generate(("C", ""), ("A", "int x"), ("B", "string s"));

        Assert.Equal(["A", "B", "C"], original.Ids.Keys.Order());
        Assert.Equal(original.Ids, reordered.Ids);
        Assert.Equal(original.Fingerprint, reordered.Fingerprint);
    }

    [Fact]
    public void ChangingAParameterType_ChangesTheFingerprint()
    {
        var original = Generate(("A", "int x"), ("B", "string s"), ("C", ""));
        var changed = Generate(("A", "long x"), ("B", "string s"), ("C", ""));

        Assert.NotEqual(original.Fingerprint, changed.Fingerprint);
        // The other methods did not change, so peers can still tell which call is which.
        Assert.Equal(original.Ids["B"], changed.Ids["B"]);
        Assert.NotEqual(original.Ids["A"], changed.Ids["A"]);
    }

    private static (Dictionary<string, string> Ids, string Fingerprint) Generate(params (string Name, string Parameters)[] methods)
    {
        var members = string.Join("\n\n", methods.Select(m => $"    public virtual void {m.Name}({m.Parameters}) {{ }}"));
        var source = $$"""
            using Tessera;

            namespace Contoso;

            [Stationary]
            public partial class Ledger
            {
            {{members}}
            }
            """;
        var text = GeneratorHarness.Run(source).Text(HintName);

        var ids = CaseLabel().Matches(text).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["id"].Value);
        var fingerprint = Assert.Single(FingerprintArgument().Matches(text)).Groups["fingerprint"].Value;
        return (ids, fingerprint);
    }

    [GeneratedRegex(@"case 0x(?<id>[0-9a-f]{8})u: return Invoke_(?<name>\w+)_\k<id>\(")]
    private static partial Regex CaseLabel();

    [GeneratedRegex(@": base\(""Contoso\.Ledger"", 0x(?<fingerprint>[0-9a-f]{16})ul\)")]
    private static partial Regex FingerprintArgument();
}
