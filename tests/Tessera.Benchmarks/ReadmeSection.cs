using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>
/// The README's copy of the latest full run: the machine, the date, the results and the goals, written between
/// two markers by the run that published them, so the figures a reader sees first are never typed by hand.
/// </summary>
internal static class ReadmeSection
{
    public const string Start = "<!-- benchmark-results:start -->";
    public const string End = "<!-- benchmark-results:end -->";

    /// <returns>False, with the README untouched, when it has no pair of markers to write between.</returns>
    public static async Task<bool> WriteAsync(string readmePath, RunResults results)
    {
        if (!File.Exists(readmePath)) return false;
        var readme = await File.ReadAllTextAsync(readmePath);
        var start = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) return false;

        var section = new StringBuilder();
        section.AppendLine(Start);
        section.AppendLine($"Latest full run: {results.Date:yyyy-MM-dd HH:mm} UTC. {results.Machine}. Load average (1 / 5 / 15 min) "
            + $"{results.LoadAverageAtStart} at the start, {results.LoadAverageAtEnd} at the end.");
        section.AppendLine();
        MarkdownReport.AppendTables(section, results, goalsHeading: "###");
        await File.WriteAllTextAsync(readmePath, readme[..start] + section + readme[end..]);
        return true;
    }
}
