using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Synclets.AspNetCore;
using Synclets.PostgreSql;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Initial sync of <see cref="WideRow"/> rows from a filled typed SQLite client into an empty typed
/// PostgreSQL store, over the memory transport or through the WebSocket server (the store being
/// the room's), beside the raw baseline measured in the same run: the same rows loaded into a plain
/// 11-column PostgreSQL table by binary COPY. Runs only when <c>SYNCLETS_POSTGRES</c> names a server.
/// </summary>
internal static class TypedPostgresScenarios
{
    public const string Store = "postgres-typed";

    public static async Task<ScenarioResult> InitialSyncAsync(string transport, long rows)
    {
        await SyncOnceAsync(transport, Math.Max(10, rows / 10)); // Warm: the first run pays for JIT and the server's caches.
        return await SyncOnceAsync(transport, rows);
    }

    /// <summary>
    /// One change among <paramref name="rows"/> rows x 10 columns: a typed SQLite replica and the
    /// typed PostgreSQL store in sync (the initial sync not measured), then one cell changed on the
    /// replica, timed until the store holds it and both are idle.
    /// </summary>
    public static async Task<ScenarioResult> OneChangeAsync(long rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-pg-typed-bench-");
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var sourceStore = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "source.db"));
            await TypedSqliteScenario.FillAsync(sourceStore, rows);
            await using var targetStore = await TypedPostgreSqlStore.OpenAsync<WideRow>(PostgresScenarios.ConnectionString!, new PostgreSqlStoreOptions { Schema = schema });
            var hub = new MemoryPool();
            await using var replica = new Synclet(sourceStore, sourceStore, hub.CreateTransport(), new SyncletOptions { Id = "sqlite" });
            await using var server = new Synclet(targetStore, targetStore, hub.CreateTransport(), new SyncletOptions { Id = "postgres" });
            return await PostgresScenarios.TimeOneChangeAsync(replica, server, hub, [$"r{rows / 2}", "c5"], Store, rows * 10, "a typed SQLite replica's change reaching a typed PostgreSQL store in sync with it");
        }
        finally
        {
            await PostgresScenarios.DropAsync(schema);
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task<ScenarioResult> SyncOnceAsync(string transport, long rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-pg-typed-bench-");
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            var baseline = await CopyBaselineAsync(schema + "_copy", rows);
            await using var sourceStore = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "source.db"));
            await TypedSqliteScenario.FillAsync(sourceStore, rows);
            var sync = transport == "websocket"
                ? await ThroughServerAsync(sourceStore, schema)
                : await OverMemoryAsync(sourceStore, schema);
            return new ScenarioResult
            {
                Scenario = "initial-sync",
                Store = Store,
                Transport = transport,
                Depth = 2,
                Atoms = rows * 10,
                Seconds = sync.Seconds,
                Messages = sync.Messages,
                Bytes = sync.Bytes,
                PeakMemoryBytes = sync.PeakMemoryBytes,
                BaseMemoryBytes = sync.BaseMemoryBytes,
                BaselineSeconds = baseline,
                Ratio = sync.Seconds / baseline,
                Converged = sync.Converged,
                Note = $"typed SQLite client to typed PostgreSQL store; baseline: the rows by binary COPY into a plain 11-column table; {sync.Gc}",
            };
        }
        finally
        {
            await PostgresScenarios.DropAsync(schema);
            await PostgresScenarios.DropAsync(schema + "_copy");
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task<Sync> OverMemoryAsync(TypedSqliteStore<WideRow> sourceStore, string schema)
    {
        await using var targetStore = await TypedPostgreSqlStore.OpenAsync<WideRow>(PostgresScenarios.ConnectionString!, new PostgreSqlStoreOptions { Schema = schema });
        var hub = new MemoryPool();
        await using var source = new Synclet(sourceStore, sourceStore, hub.CreateTransport(), new SyncletOptions { Id = "sqlite" });
        await using var target = new Synclet(targetStore, targetStore, hub.CreateTransport(), new SyncletOptions { Id = "postgres" });
        await source.StartAsync();
        await Quiescence.WaitAsync(source, hub);

        using var memory = new MemorySampler();
        var watch = Stopwatch.StartNew();
        await target.StartAsync();
        await Quiescence.WaitAsync(source, target, hub);
        watch.Stop();
        return new Sync(watch.Elapsed.TotalSeconds, source.Statistics.MessagesSent + target.Statistics.MessagesSent, source.Statistics.BytesSent + target.Statistics.BytesSent,
            await source.GetHashAsync([]) == await target.GetHashAsync([]), memory.Peak, memory.Base, memory.GcSummary);
    }

    private static async Task<Sync> ThroughServerAsync(TypedSqliteStore<WideRow> sourceStore, string schema)
    {
        var wire = new InProcessWire();
        await using var server = await WebSocketScenarios.StartServerAsync(wire, async (_, cancellationToken) =>
        {
            var store = await TypedPostgreSqlStore.OpenAsync<WideRow>(PostgresScenarios.ConnectionString!, new PostgreSqlStoreOptions { Schema = schema }, cancellationToken);
            return new RoomStorage(store, store, store);
        });
        var room = new Uri(server.BaseUri(), "/sync/bench");
        await using var source = new Synclet(sourceStore, sourceStore, new WebSocketTransport(room, new WebSocketTransportOptions { Observer = wire }), new SyncletOptions { Id = "sqlite" });

        using var memory = new MemorySampler();
        var watch = Stopwatch.StartNew();
        await source.StartAsync();
        var roomStore = server.Services.GetRequiredService<SyncletsBroker>().GetRoomStore("bench") ?? throw new InvalidOperationException("The room did not open.");
        await Quiescence.WaitAsync([source, wire, roomStore]);
        watch.Stop();
        return new Sync(watch.Elapsed.TotalSeconds, source.Statistics.MessagesSent + roomStore.Statistics.MessagesSent, source.Statistics.BytesSent + roomStore.Statistics.BytesSent,
            await source.GetHashAsync([]) == await roomStore.GetHashAsync([]), memory.Peak, memory.Base, memory.GcSummary);
    }

    /// <summary>Seconds to load the same rows (key and ten text columns) into a plain table by binary COPY.</summary>
    private static async Task<double> CopyBaselineAsync(string schema, long rows)
    {
        await using var connection = new NpgsqlConnection(PostgresScenarios.ConnectionString);
        await connection.OpenAsync();
        var columns = string.Join(", ", Enumerable.Range(0, 10).Select(c => $"c{c} text"));
        await using (var setup = new NpgsqlCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.wide (id text PRIMARY KEY, {columns})", connection))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        await using (var import = await connection.BeginBinaryImportAsync($"COPY {schema}.wide FROM STDIN (FORMAT BINARY)"))
        {
            for (long row = 0; row < rows; row++)
            {
                await import.StartRowAsync();
                await import.WriteAsync($"r{row}", NpgsqlDbType.Text);
                for (var column = 0; column < 10; column++)
                {
                    await import.WriteAsync($"value {row}-{column}", NpgsqlDbType.Text);
                }
            }

            await import.CompleteAsync();
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>One timed sync: its time, traffic, memory and whether both ends ended equal.</summary>
    private sealed record Sync(double Seconds, long Messages, long Bytes, bool Converged, long PeakMemoryBytes, long BaseMemoryBytes, string Gc);
}
