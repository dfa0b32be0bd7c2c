using System.Reflection;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>
/// Compares generated files with checked-in baselines, so every change to emitted code shows up in
/// review. Set TESSERA_UPDATE_BASELINES=1 to rewrite the baselines instead (see README.md).
/// </summary>
public sealed class BaselineTests
{
    private const string UpdateVariable = "TESSERA_UPDATE_BASELINES";

    [Fact]
    public void Warehouse_MatchesBaselines()
        => VerifyAgainstBaselines(GeneratorHarness.Run(TestSources.Warehouse),
            "Contoso.Inventory.Shelf.Tessera.g.cs", "Contoso.Inventory.Warehouse.Tessera.g.cs");

    [Fact]
    public void Coder_MatchesBaseline()
        => VerifyAgainstBaselines(GeneratorHarness.Run(TestSources.Coder), "Tessera.Samples.Coder.Coder.Tessera.g.cs");

    [Fact]
    public void ReservedNames_MatchesBaseline()
        => VerifyAgainstBaselines(GeneratorHarness.Run(TestSources.ReservedNames), "Contoso.Games.Lobby.Tessera.g.cs");

    internal static void VerifyAgainstBaselines(GeneratedOutput output, params string[] expectedHintNames)
    {
        // Checked first: a renamed or missing file would otherwise only show as a missing baseline.
        Assert.Equal(expectedHintNames.Order(StringComparer.Ordinal), output.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));

        var update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
        foreach (var hintName in expectedHintNames)
        {
            var actual = Normalize(output.Text(hintName));
            if (update)
            {
                File.WriteAllText(Path.Combine(SourceBaselineDirectory(), hintName + ".txt"), actual);
                continue;
            }

            var path = Path.Combine(AppContext.BaseDirectory, "Baselines", hintName + ".txt");
            Assert.True(File.Exists(path), $"No baseline {path}; run the tests once with {UpdateVariable}=1 and review the new file.");
            AssertSameLines(hintName, Normalize(File.ReadAllText(path)), actual);
        }
    }

    // Git may check baselines out with CRLF; the generator always writes LF.
    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static void AssertSameLines(string hintName, string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var expectedLine = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var actualLine = i < actualLines.Length ? actualLines[i] : "<end of file>";
            Assert.True(expectedLine == actualLine,
                $"{hintName} differs from its baseline at line {i + 1}:{Environment.NewLine}" +
                $"  expected: {expectedLine}{Environment.NewLine}  actual:   {actualLine}{Environment.NewLine}" +
                $"If the change is intended, rerun with {UpdateVariable}=1 and review the diff.");
        }
    }

    private static string SourceBaselineDirectory()
        => typeof(BaselineTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
               .Single(a => a.Key == "BaselineSourceDirectory").Value
           ?? throw new InvalidOperationException("The project file sets BaselineSourceDirectory.");
}
