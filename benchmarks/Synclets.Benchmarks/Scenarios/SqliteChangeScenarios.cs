using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Two SQLite replicas already in sync (one file, copied), over the memory transport: the cost of
/// one change, and of a reconnect after ten changes made while one side was stopped. Stored
/// hashes answer both, so nothing is recomputed from every timestamp; protocol version 1 still
/// lists every row of a mismatched root, so a reconnect's bytes grow with the table.
/// </summary>
internal static class SqliteChangeScenarios
{
    public static async Task<ScenarioResult> RunAsync(string layout, long atoms, bool reconnect)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-change-bench-");
        try
        {
            var onePath = Path.Combine(folder.FullName, "one.db");
            var twoPath = Path.Combine(folder.FullName, "two.db");
            await using (var filled = await SqliteStorage.OpenAsync(layout, onePath))
            {
                await filled.FillAsync(atoms);
            }

            SqliteConnection.ClearAllPools();
            File.Copy(onePath, twoPath);
            await using var oneStore = await SqliteStorage.OpenAsync(layout, onePath);
            await using var twoStore = await SqliteStorage.OpenAsync(layout, twoPath);
            var hub = new MemoryPool();
            await using var one = new Synclet(oneStore.Data, oneStore.Meta, hub.CreateTransport(), new SyncletOptions { Id = "one" });
            await using var two = new Synclet(twoStore.Data, twoStore.Meta, hub.CreateTransport(), new SyncletOptions { Id = "two" });
            await one.StartAsync();
            await two.StartAsync();
            await Quiescence.WaitAsync(one, two, hub);

            if (reconnect)
            {
                await two.StopAsync();
                for (var i = 0; i < 10; i++)
                {
                    await one.SetAtomAsync(AddressOf(i * (atoms / 10)), $"changed {i}");
                }

                await Quiescence.WaitAsync(one, two, hub);
            }

            var (messagesBefore, bytesBefore) = Sent(one, two);
            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            if (reconnect)
            {
                await two.StartAsync();
            }
            else
            {
                await one.SetAtomAsync(AddressOf(atoms / 2), "changed");
            }

            await Quiescence.WaitAsync(one, two, hub);
            watch.Stop();
            var (messagesAfter, bytesAfter) = Sent(one, two);
            return new ScenarioResult
            {
                Scenario = reconnect ? "reconnect" : "one-change",
                Store = layout,
                Transport = "memory",
                Depth = 2,
                Atoms = atoms,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = messagesAfter - messagesBefore,
                Bytes = bytesAfter - bytesBefore,
                PeakMemoryBytes = memory.Peak,
                Converged = await one.GetHashAsync([]) == await two.GetHashAsync([]),
                Note = reconnect ? "10 changes made while one side was stopped, then it starts again" : "one atom changed on one side of a synced pair",
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static string[] AddressOf(long atom) => [$"r{atom / 10}", $"c{atom % 10}"];

    private static (long Messages, long Bytes) Sent(Synclet one, Synclet two) =>
        (one.Statistics.MessagesSent + two.Statistics.MessagesSent, one.Statistics.BytesSent + two.Statistics.BytesSent);
}
