using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;

namespace Tessera.Benchmarks;

/// <summary>
/// A hand-written SVG: for each row, its calls/s over raw TCP's and over Orleans' (same shape, same run), as bars
/// growing left or right of 1× on a log scale, so 0.5× and 2× look equally far from parity.
/// </summary>
internal static class SvgChart
{
    private const double Width = 960, LabelWidth = 400, PlotLeft = LabelWidth + 10, PlotRight = Width - 70;
    private const double Top = 78, RowHeight = 30, BarHeight = 10;
    private static readonly (string Name, string Colour)[] Series = [("× raw TCP", "#4c78a8"), ("× Orleans 10.4.2", "#f58518")];

    public static string Render(RunResults results)
    {
        var rows = new Comparison(results.Measurements);
        var bars = results.Measurements
            .Select(m => (Row: m, Ratios: new[] { Comparison.Throughput(m, rows.RawFor(m)), Comparison.Throughput(m, rows.OrleansFor(m)) }))
            .Where(b => b.Ratios.Any(r => r is not null))
            .ToList();
        var ratios = bars.SelectMany(b => b.Ratios).OfType<double>().Append(1).ToList();
        var (low, high) = (Math.Floor(Math.Log10(ratios.Min())), Math.Ceiling(Math.Log10(ratios.Max())));
        if (high - low < 2) (low, high) = (low - 1, high + 1);
        double X(double ratio) => PlotLeft + (Math.Log10(ratio) - low) / (high - low) * (PlotRight - PlotLeft);
        var height = Top + bars.Count * RowHeight + 40;

        var svg = new StringBuilder();
        svg.AppendLine(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"));
        svg.AppendLine(F($"<rect width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>"));
        svg.AppendLine(F($"<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">Throughput relative to raw TCP and to Orleans (calls/s ratio, same run, log scale)</text>"));
        svg.AppendLine(F($"<text x=\"10\" y=\"42\" fill=\"#555555\">{Escape($"{results.Date:yyyy-MM-dd HH:mm} UTC, {results.Mode} run. {results.Machine}")}</text>"));
        svg.AppendLine(F($"<text x=\"10\" y=\"58\" fill=\"#555555\">{Escape($"Load average {results.LoadAverageAtStart} at the start, {results.LoadAverageAtEnd} at the end. Right of 1× is faster than the baseline.")}</text>"));
        for (var i = 0; i < Series.Length; i++)
        {
            var x = PlotLeft + i * 150;
            svg.AppendLine(F($"<rect x=\"{x}\" y=\"{Top - 14}\" width=\"10\" height=\"10\" fill=\"{Series[i].Colour}\"/><text x=\"{x + 14}\" y=\"{Top - 5}\">{Escape(Series[i].Name)}</text>"));
        }
        for (var decade = low; decade <= high; decade++)
        {
            var x = X(Math.Pow(10, decade));
            var stroke = decade == 0 ? "#333333" : "#dddddd";
            svg.AppendLine(F($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{height - 30}\" stroke=\"{stroke}\"/>"));
            svg.AppendLine(F($"<text x=\"{x:F1}\" y=\"{height - 14}\" text-anchor=\"middle\" fill=\"#555555\">{Escape(Label(Math.Pow(10, decade)))}</text>"));
        }
        for (var i = 0; i < bars.Count; i++)
        {
            var y = Top + i * RowHeight;
            svg.AppendLine(F($"<text x=\"{LabelWidth}\" y=\"{y + RowHeight / 2 + 4}\" text-anchor=\"end\">{Escape(bars[i].Row.Label)}</text>"));
            for (var s = 0; s < Series.Length; s++)
            {
                if (bars[i].Ratios[s] is not { } ratio) continue;
                var (one, end) = (X(1), X(ratio));
                var barY = y + 4 + s * (BarHeight + 2);
                svg.AppendLine(F($"<rect x=\"{Math.Min(one, end):F1}\" y=\"{barY}\" width=\"{Math.Max(1, Math.Abs(end - one)):F1}\" height=\"{BarHeight}\" fill=\"{Series[s].Colour}\"/>"));
                var anchor = ratio >= 1 ? "start" : "end";
                var textX = ratio >= 1 ? end + 4 : end - 4;
                svg.AppendLine(F($"<text x=\"{textX:F1}\" y=\"{barY + BarHeight - 1}\" font-size=\"10\" text-anchor=\"{anchor}\">{Escape(Label(ratio))}</text>"));
            }
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Label(double ratio) => ratio.ToString(ratio >= 10 ? "N0" : ratio >= 0.1 ? "0.0#" : "0.00#", CultureInfo.InvariantCulture) + "×";

    private static string Escape(string text) => SecurityElement.Escape(text);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
