using System.Diagnostics;
using Npgsql;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.PostgreSql.Tests;

/// <summary>A process killed (SIGKILL) while it writes a PostgreSQL store: every unit is there whole or not at all, and the store resyncs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashTests(PostgresServer server)
{
    [PostgresFact]
    public async Task A_process_killed_mid_batch_leaves_data_meta_and_hashes_consistent_and_a_resync_converges()
    {
        var schema = server.NewSchema();
        var helper = Path.Combine(AppContext.BaseDirectory.Replace("Synclets.PostgreSql.Tests", "Synclets.PostgreSql.CrashHelper", StringComparison.Ordinal), "Synclets.PostgreSql.CrashHelper.dll");
        Assert.True(File.Exists(helper), $"the crash helper is not built at {helper}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(helper);
        start.ArgumentList.Add(server.ConnectionString);
        start.ArgumentList.Add(schema);
        using (var process = new Process { StartInfo = start })
        {
            // Wait for a signal (three commits), then kill it while it writes the next batch.
            var threeCommitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var errors = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == "committed 3")
                {
                    threeCommitted.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
            process.Exited += (_, _) => threeCommitted.TrySetException(new InvalidOperationException("The helper stopped: " + errors));
            process.EnableRaisingEvents = true;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await threeCommitted.Task.WaitAsync(TimeSpan.FromMinutes(1));
            process.Kill(); // SIGKILL on Linux: no chance to clean up, the session dies with its transaction.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        await using var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, new PostgreSqlStoreOptions { Schema = schema }).WaitAsync(TimeSpan.FromMinutes(1)); // The lock died with the session.
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            var data = await AddressesAsync(connection, $"SELECT address FROM \"{schema}\".data ORDER BY address");
            var meta = await AddressesAsync(connection, $"SELECT address FROM \"{schema}\".meta ORDER BY address");
            Assert.Equal(data, meta);
            Assert.True(data.Count >= 3000 && data.Count % 1000 == 0, $"{data.Count} atoms: a batch was half kept");
            var timestamps = await AddressesAsync(connection, $"SELECT timestamp FROM \"{schema}\".meta");
            await using var recovered = new Synclet(store.Data, store.Meta);
            Assert.Equal(timestamps.Aggregate(0u, (hash, t) => hash ^ Fnv1a.Hash(t.Trim('"'))), await recovered.GetHashAsync([]));
        }

        var pool = new MemoryPool();
        await using var reopened = new Synclet(store.Data, store.Meta, pool.CreateTransport(), new SyncletOptions { Id = "reopened" });
        await using var peer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await reopened.StartAsync();
        await peer.StartAsync();
        await Quiescence.WaitAsync(reopened, peer, pool).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(await reopened.GetHashAsync([]), await peer.GetHashAsync([]));
    }

    private static async Task<List<string>> AddressesAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
