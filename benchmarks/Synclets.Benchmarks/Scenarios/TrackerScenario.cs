using System.Diagnostics;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>A row record the tracker benchmark uses; its mapping is generated.</summary>
[SyncTree(depth: 2)]
public partial record BenchRow([property: SyncKey] string Id, string Title, int Count, bool Done, double Score, DateTimeOffset? Due);

/// <summary>The change tracker's cost per changed record: time and bytes allocated.</summary>
internal static class TrackerScenario
{
    public static ScenarioResult Run()
    {
        const int Records = 1_000_000;
        var before = new BenchRow("r1", "Write the tracker", 3, false, 1.5, null);
        var after = before with { Title = "Tracker written" };
        var changes = new List<KeyValuePair<string, Atom>>(8);
        for (var i = 0; i < 10_000; i++)
        {
            changes.Clear();
            BenchRow.AddChangedCells(before, after, changes);
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Records; i++)
        {
            changes.Clear();
            BenchRow.AddChangedCells(before, after, changes);
        }

        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new ScenarioResult
        {
            Scenario = "tracker",
            Store = "none",
            Transport = "none",
            Depth = 2,
            Atoms = Records,
            Seconds = watch.Elapsed.TotalSeconds,
            Messages = 0,
            Bytes = allocated,
            PeakMemoryBytes = GC.GetTotalMemory(false),
            Converged = changes.Count == 1,
            Note = $"{watch.Elapsed.TotalMilliseconds * 1_000_000 / Records:F1} ns and {(double)allocated / Records:F2} bytes allocated per changed record (one of five fields changed)",
        };
    }
}
