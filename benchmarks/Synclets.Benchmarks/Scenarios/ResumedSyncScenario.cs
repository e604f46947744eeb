using System.Diagnostics;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// A first sync cut half way, then tried again (<c>resumed-sync</c>): an empty replica joins a full
/// one through a hub that drops everything once half of the feed's batches are through, as a dead
/// connection; it stops, the hub mends, and it starts again. The result is the second attempt:
/// its time and the bytes that moved, against the first attempt's (in the note).
/// </summary>
internal static class ResumedSyncScenario
{
    public static async Task<ScenarioResult> RunAsync(long atoms)
    {
        var hub = new CuttingPool();
        await using var full = new Replica("full", 2, hub.CreateTransport());
        await using var empty = new Replica("empty", 2, hub.CreateTransport());
        await full.FillAsync(atoms);
        await full.Synclet.StartAsync();
        await Quiescence.WaitAsync(full.Synclet, hub);

        // Batches of 2,048 atoms: cut after half of them.
        hub.CutAfter((int)(atoms / 2048 / 2));
        await empty.Synclet.StartAsync();
        await Quiescence.WaitAsync(full.Synclet, empty.Synclet, hub);
        var firstBytes = empty.Synclet.Statistics.BytesReceived;
        await empty.Synclet.StopAsync();
        hub.Mend();

        var before = empty.Synclet.Statistics.BytesReceived + full.Synclet.Statistics.BytesReceived;
        using var memory = new MemorySampler();
        var watch = Stopwatch.StartNew();
        await empty.Synclet.StartAsync();
        await Quiescence.WaitAsync(full.Synclet, empty.Synclet, hub);
        watch.Stop();
        return new ScenarioResult
        {
            Scenario = "resumed-sync",
            Store = "memory",
            Transport = "memory",
            Depth = 2,
            Atoms = atoms,
            Seconds = watch.Elapsed.TotalSeconds,
            Messages = empty.Synclet.Statistics.MessagesSent + full.Synclet.Statistics.MessagesSent,
            Bytes = empty.Synclet.Statistics.BytesReceived + full.Synclet.Statistics.BytesReceived - before,
            PeakMemoryBytes = memory.Peak,
            Converged = await full.Synclet.GetHashAsync([]) == await empty.Synclet.GetHashAsync([]),
            Note = $"the second attempt, after the first was cut once {firstBytes:N0} bytes had arrived",
        };
    }
}
