using System.Globalization;
using System.Text;

namespace NutritionAspire.LoadTesting;

/// <summary>Load test results as a Markdown table, readable in a console and pasteable into a README.</summary>
public static class LoadReport
{
    public static string Format(IEnumerable<LoadResult> results) => Table(
        ["run", "connections", "req/s", "p50", "p90", "p99", "requests", "errors"],
        results.Select(result => new[]
        {
            result.Name,
            result.Connections.ToString(CultureInfo.InvariantCulture),
            result.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
            Milliseconds(result.P50),
            Milliseconds(result.P90),
            Milliseconds(result.P99),
            result.Requests.ToString(CultureInfo.InvariantCulture),
            result.Errors == 0 ? "0" : $"{result.Errors} ({result.FirstError})",
        }));

    public static string Milliseconds(TimeSpan latency) =>
        latency.TotalMilliseconds.ToString(latency.TotalMilliseconds < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>A Markdown table with its columns padded to a common width.</summary>
    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < all.Count; i++)
        {
            text.Append('|').AppendJoin('|', all[i].Select((cell, column) => $" {cell.PadRight(widths[column])} ")).Append("|\n");
            if (i == 0)
            {
                text.Append('|').AppendJoin('|', widths.Select(width => new string('-', width + 2))).Append("|\n");
            }
        }

        return text.ToString();
    }
}
