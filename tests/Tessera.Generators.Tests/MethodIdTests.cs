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

    [Fact]
    public void NullableAnnotations_KeepIdsAndFingerprint()
    {
        // The wire carries the same bytes either way, so a peer built before adding a '?' must still match.
        var plain = Generate("public virtual string A(string s, List<string> l) => s;");
        var annotated = Generate("public virtual string? A(string? s, List<string?>? l) => s;");

        Assert.Equal(plain.Ids, annotated.Ids);
        Assert.Equal(plain.Fingerprint, annotated.Fingerprint);
    }

    [Fact]
    public void Methods_AreEmittedByNameThenId()
    {
        var text = GeneratorHarness.Run(Source("""
                public virtual void C() { }
                public virtual void B(int x) { }
                public virtual void A() { }
                public virtual void B(string s) { }
            """)).Text(HintName);

        var labels = CaseLabel().Matches(text).Select(m => (m.Groups["name"].Value, m.Groups["id"].Value)).ToList();
        Assert.Equal(["A", "B", "B", "C"], labels.Select(l => l.Item1));
        Assert.True(string.CompareOrdinal(labels[1].Item2, labels[2].Item2) < 0, "Overloads are ordered by id.");
        // The proxy and the invokers follow the same order as the switch.
        Assert.True(text.IndexOf("override void A(", StringComparison.Ordinal) < text.IndexOf("override void C(", StringComparison.Ordinal));
    }

    private static (Dictionary<string, string> Ids, string Fingerprint) Generate(params (string Name, string Parameters)[] methods)
        => Generate(string.Join("\n\n", methods.Select(m => $"    public virtual void {m.Name}({m.Parameters}) {{ }}")));

    private static (Dictionary<string, string> Ids, string Fingerprint) Generate(string members)
    {
        var text = GeneratorHarness.Run(Source(members)).Text(HintName);

        var ids = CaseLabel().Matches(text).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["id"].Value);
        var fingerprint = Assert.Single(FingerprintArgument().Matches(text)).Groups["fingerprint"].Value;
        return (ids, fingerprint);
    }

    private static string Source(string members)
        => $$"""
            using System.Collections.Generic;
            using Tessera;

            namespace Contoso;

            [Stationary]
            public partial class Ledger
            {
            {{members}}
            }
            """;

    [GeneratedRegex(@"case 0x(?<id>[0-9a-f]{8})u: return Invoke_(?<name>\w+)_\k<id>\(")]
    private static partial Regex CaseLabel();

    [GeneratedRegex(@": base\(""Contoso\.Ledger"", 0x(?<fingerprint>[0-9a-f]{16})ul\)")]
    private static partial Regex FingerprintArgument();
}
