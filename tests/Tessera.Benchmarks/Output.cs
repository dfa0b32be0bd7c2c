using System;
using System.IO;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>
/// Writes a run's results: results.json, chart.svg and results.md into the results folder, and, for a full run
/// of the whole suite, the same as latest.* into docs/benchmarks/ and the tables into the README. Figures there
/// are only ever written by a run.
/// </summary>
internal static class Output
{
    public static async Task<string> WriteAsync(RunResults results, RunOptions options)
    {
        var chart = SvgChart.Render(results);
        Directory.CreateDirectory(options.OutDirectory);
        await results.WriteJsonAsync(Path.Combine(options.OutDirectory, "results.json"));
        await File.WriteAllTextAsync(Path.Combine(options.OutDirectory, "chart.svg"), chart);
        var report = MarkdownReport.Render(results, options.Settings, "chart.svg");
        await File.WriteAllTextAsync(Path.Combine(options.OutDirectory, "results.md"), report);
        Console.Error.WriteLine($"Wrote results.json, chart.svg and results.md to {Path.GetFullPath(options.OutDirectory)}");

        if (options.PublishDirectory is { } publish)
        {
            Directory.CreateDirectory(publish);
            await results.WriteJsonAsync(Path.Combine(publish, "latest.json"));
            await File.WriteAllTextAsync(Path.Combine(publish, "latest.svg"), chart);
            await File.WriteAllTextAsync(Path.Combine(publish, "latest.md"), MarkdownReport.Render(results, options.Settings, "latest.svg"));
            Console.Error.WriteLine($"Published latest.json, latest.svg and latest.md to {Path.GetFullPath(publish)}");
            var readme = Path.Combine(publish, "..", "..", "README.md");
            if (!await ReadmeSection.WriteAsync(readme, results))
                Console.Error.WriteLine($"Did not update {Path.GetFullPath(readme)}: it has no {ReadmeSection.Start} ... {ReadmeSection.End} section.");
        }
        return report;
    }
}
