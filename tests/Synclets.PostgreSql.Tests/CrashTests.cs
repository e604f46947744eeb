using System.Diagnostics;
using Npgsql;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.PostgreSql.Tests;

/// <summary>The crash helper's typed row (the helper declares the same): ten text cells.</summary>
[SyncTree(depth: 2)]
public partial record CrashRow(string Id, string? c0, string? c1, string? c2, string? c3, string? c4, string? c5, string? c6, string? c7, string? c8, string? c9);

/// <summary>A process killed (SIGKILL) while it writes a PostgreSQL store: every unit is there whole or not at all, and the store resyncs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashTests(PostgresServer server)
{
    [PostgresFact]
    public async Task A_process_killed_mid_batch_leaves_data_meta_and_hashes_consistent_and_a_resync_converges()
    {
        var schema = server.NewSchema();
        await RunHelperUntilKilledAsync(schema, typed: false);

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

    [PostgresFact]
    public async Task A_process_killed_mid_copy_into_typed_tables_leaves_whole_batches_and_a_right_root_hash()
    {
        var schema = server.NewSchema();
        await RunHelperUntilKilledAsync(schema, typed: true);
        await using var store = await TypedPostgreSqlStore.OpenAsync<CrashRow>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema }).WaitAsync(TimeSpan.FromMinutes(1));
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            var data = await AddressesAsync(connection, $"SELECT \"Id\" FROM \"{schema}\".\"CrashRow\" ORDER BY \"Id\"");
            var meta = await AddressesAsync(connection, $"SELECT \"Id\" FROM \"{schema}\".\"CrashRow_meta\" ORDER BY \"Id\"");
            Assert.Equal(data, meta);
            Assert.True(data.Count >= 300 && data.Count % 100 == 0, $"{data.Count} rows: a batch was half kept");
            var timestamps = await AddressesAsync(connection, $"SELECT t FROM \"{schema}\".\"CrashRow_meta\", unnest(ARRAY[c0, c1, c2, c3, c4, c5, c6, c7, c8, c9]) AS t WHERE t IS NOT NULL");
            Assert.Equal(data.Count * 10, timestamps.Count);
            Assert.Equal(timestamps.Aggregate(0u, (hash, t) => hash ^ Fnv1a.Hash(t)), await store.GetHashAsync([]));
        }

        var pool = new MemoryPool();
        await using var reopened = new Synclet(store, store, pool.CreateTransport(), new SyncletOptions { Id = "reopened" });
        await using var peer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await reopened.StartAsync();
        await peer.StartAsync();
        await Quiescence.WaitAsync(reopened, peer, pool).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(await reopened.GetHashAsync([]), await peer.GetHashAsync([]));
    }

    /// <summary>Runs the crash helper on a schema until three batches are committed, then kills it (SIGKILL) mid-batch.</summary>
    private async Task RunHelperUntilKilledAsync(string schema, bool typed)
    {
        var helper = Path.Combine(AppContext.BaseDirectory.Replace("Synclets.PostgreSql.Tests", "Synclets.PostgreSql.CrashHelper", StringComparison.Ordinal), "Synclets.PostgreSql.CrashHelper.dll");
        Assert.True(File.Exists(helper), $"the crash helper is not built at {helper}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(helper);
        start.ArgumentList.Add(server.ConnectionString);
        start.ArgumentList.Add(schema);
        if (typed)
        {
            start.ArgumentList.Add("typed");
        }

        using var process = new Process { StartInfo = start };

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
