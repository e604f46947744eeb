using System.Diagnostics;
using System.Globalization;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// An app's first sync, as it happens: in a fresh process (this program started with
/// <c>cold-sync N</c>), on the public API with default settings, one synclet filled with N atoms
/// through <see cref="Synclet.SetAtomsAsync"/> and an empty one joining it over a
/// <see cref="MemoryPool"/>. Only the sync is timed, so the JIT and the collector meet the sync's
/// code for the first time inside it; the child reports its seconds, the collector's pauses during
/// them, and its peak working set.
/// </summary>
internal static class ColdProcessScenario
{
    public const string Transport = "memory-cold-process";

    /// <summary>The parent's side: runs the child and turns its report into a result.</summary>
    public static async Task<ScenarioResult> RunAsync(long atoms)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(ColdProcessScenario).Assembly.Location);
        start.ArgumentList.Add("cold-sync");
        start.ArgumentList.Add(atoms.ToString(CultureInfo.InvariantCulture));
        var wall = Stopwatch.StartNew();
        using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the cold-sync process.");
        var output = await child.StandardOutput.ReadToEndAsync();
        var errors = await child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        wall.Stop();
        var report = output.Trim().Split(' ');
        if (child.ExitCode != 0 || report.Length != 5)
        {
            throw new InvalidOperationException($"The cold-sync process failed ({child.ExitCode}): {output}{errors}");
        }

        double Number(int i) => double.Parse(report[i], CultureInfo.InvariantCulture);
        return new ScenarioResult
        {
            Scenario = "initial-sync",
            Store = "memory",
            Transport = Transport,
            Depth = 2,
            Atoms = atoms,
            Seconds = Number(0),
            Messages = (long)Number(3),
            Bytes = 0,
            PeakMemoryBytes = (long)Number(2),
            Converged = report[4] == "converged",
            Note = string.Create(CultureInfo.InvariantCulture, $"fresh process, default settings: collector pauses {Number(1):0.000} s of the sync; the whole process (fill included) {wall.Elapsed.TotalSeconds:0.00} s; peak is the child's working set"),
        };
    }

    /// <summary>The child's side: fills, syncs, prints "seconds gc-pause-seconds peak-working-set messages converged".</summary>
    public static async Task<int> ChildAsync(long atoms)
    {
        var pool = new MemoryPool();
        await using var full = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport());
        await using var empty = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport());
        for (long row = 0; row < atoms / 10; row++)
        {
            var first = row * 10;
            await full.SetAtomsAsync([$"row{row}"], Enumerable.Range(0, 10).Select(cell => KeyValuePair.Create($"c{cell}", first % 3 == 0 ? Atom.FromNumber(first + cell) : Atom.FromString($"value {first + cell}"))));
        }

        await full.StartAsync();
        await Quiescence.WaitAsync(full, pool);

        var pausedBefore = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        await empty.StartAsync();
        await Quiescence.WaitAsync(full, empty, pool);
        watch.Stop();
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        var converged = await full.GetHashAsync([]) == await empty.GetHashAsync([]);
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds} {paused.TotalSeconds} {self.PeakWorkingSet64} {full.Statistics.MessagesSent + empty.Statistics.MessagesSent} {(converged ? "converged" : "differ")}"));
        return 0;
    }
}
