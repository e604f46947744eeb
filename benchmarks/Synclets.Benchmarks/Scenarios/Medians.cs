using System.Globalization;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Sums up repeated runs of one scenario as one more result line: each figure is the median of
/// the runs' figures, taken separately (the median ratio is the median of each run's own ratio,
/// every run measured beside its own baseline), and the note gives the ranges and, as a check,
/// the ratio of the median seconds to the median baseline.
/// </summary>
internal static class Medians
{
    public static ScenarioResult Of(IReadOnlyList<ScenarioResult> runs)
    {
        var first = runs[0];
        return first with
        {
            Seconds = Median(runs.Select(run => run.Seconds)),
            Messages = (long)Median(runs.Select(run => (double)run.Messages)),
            Bytes = (long)Median(runs.Select(run => (double)run.Bytes)),
            PeakMemoryBytes = (long)Median(runs.Select(run => (double)run.PeakMemoryBytes)),
            BaseMemoryBytes = null,
            BaselineSeconds = MedianOrNull(runs.Select(run => run.BaselineSeconds)),
            Ratio = MedianOrNull(runs.Select(run => run.Ratio)),
            P50Ms = MedianOrNull(runs.Select(run => run.P50Ms)),
            P99Ms = MedianOrNull(runs.Select(run => run.P99Ms)),
            Lost = runs.Any(run => run.Lost is not null) ? runs.Max(run => run.Lost ?? 0) : null, // The worst run: a loss is never averaged away.
            Converged = runs.All(run => run.Converged),
            Note = string.Create(CultureInfo.InvariantCulture, $"median of {runs.Count} runs: seconds {Range(runs.Select(run => (double?)run.Seconds))}, {RatioRange(runs)}peak heap MB {Range(runs.Select(run => (double?)run.PeakMemoryBytes / 1e6))}"),
        };
    }

    private static string RatioRange(IReadOnlyList<ScenarioResult> runs) =>
        MedianOrNull(runs.Select(run => run.BaselineSeconds)) is { } baseline
            ? string.Create(CultureInfo.InvariantCulture, $"ratio {Range(runs.Select(run => run.Ratio))} (median seconds / median baseline: {Median(runs.Select(run => run.Seconds)) / baseline:0.##}), ")
            : string.Empty;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToArray();
        return present.Length == 0 ? null : Median(present);
    }

    private static string Range(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToArray();
        return present.Length == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{present.Min():0.##}-{present.Max():0.##}");
    }
}
