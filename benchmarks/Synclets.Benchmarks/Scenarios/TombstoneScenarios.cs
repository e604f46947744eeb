using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Synclets.Connectors;
using Synclets.PostgreSql;
using Synclets.Sqlite;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Tombstone collection: a store of 100,000 rows x 10 cells, every row deleted (1,000,000
/// tombstones), its size measured, then <see cref="Synclet.CollectTombstonesAsync"/> timed and the
/// size measured again. Sizes are what the data takes: SQLite pages in use (the file itself shrinks
/// only with VACUUM, which it is also shown after), PostgreSQL tables after VACUUM FULL, memory as
/// the managed heap the connectors hold.
/// </summary>
internal static class TombstoneScenarios
{
    public const string Scenario = "tombstones";

    public static readonly string[] Stores = ["memory", SqliteStorage.Generic, SqliteStorage.Typed, PostgresScenarios.Store, TypedPostgresScenarios.Store];

    public static async Task<ScenarioResult> RunAsync(string store, long rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-tombstones-");
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            var target = new Target(store, Path.Combine(folder.FullName, "store.db"), schema);
            var (data, meta, owner) = await target.OpenAsync();
            await FillThenDeleteAsync(data, meta, rows);
            await owner.DisposeAsync();
            var before = await target.MeasureAsync();

            (data, meta, owner) = await target.OpenAsync();
            await Task.Delay(10); // The deletions were stamped a moment ago: the horizon is now, after them.
            long collected;
            var watch = Stopwatch.StartNew();
            await using (var synclet = new Synclet(data, meta))
            {
                collected = await synclet.CollectTombstonesAsync(DateTimeOffset.UtcNow);
            }

            watch.Stop();
            await owner.DisposeAsync();
            var after = await target.MeasureAsync();
            return new ScenarioResult
            {
                Scenario = Scenario,
                Store = store,
                Transport = "none",
                Depth = 2,
                Atoms = rows * 10,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = 0,
                Bytes = 0,
                PeakMemoryBytes = 0,
                SizeBeforeBytes = before.InUse,
                SizeAfterBytes = after.InUse,
                Converged = collected == rows * 10 && after.InUse < before.InUse,
                Note = $"{collected:N0} tombstones of {rows:N0} deleted rows collected" + (after.Vacuumed is { } vacuumed ? $"; the file after VACUUM: {before.Vacuumed:N0} then {vacuumed:N0} bytes" : string.Empty),
            };
        }
        finally
        {
            if (store.StartsWith("postgres", StringComparison.Ordinal))
            {
                await PostgresScenarios.DropAsync(schema);
            }

            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Writes every cell, then deletes every cell, straight through the connectors, one transaction each (setup, not measured).</summary>
    private static async Task FillThenDeleteAsync(IDataConnector data, IMetaConnector meta, long rows)
    {
        var clock = new HybridLogicalClock("filler");
        ITransactionalConnector[] units = [.. new object[] { data, meta }.OfType<ITransactionalConnector>().Distinct()];
        foreach (var deleting in new[] { false, true })
        {
            foreach (var unit in units)
            {
                await unit.BeginWritesAsync();
            }

            for (long row = 0; row < rows; row++)
            {
                for (var column = 0; column < 10; column++)
                {
                    string[] address = [$"r{row}", $"c{column}"];
                    if (deleting)
                    {
                        await data.RemoveAtomAsync(address);
                    }
                    else
                    {
                        await data.SetAtomAsync(address, $"value {row}-{column}");
                    }

                    await meta.SetTimestampAsync(address, clock.Next());
                }
            }

            foreach (var unit in units)
            {
                await unit.CommitWritesAsync();
            }
        }
    }

    /// <summary>One store kind: opened on the same storage each time, and measured while closed.</summary>
    private sealed class Target(string store, string path, string schema)
    {
        // A memory store outlives its "closing": its connectors are the storage.
        private readonly MemoryDataConnector _memoryData = new(2);
        private readonly MemoryMetaConnector _memoryMeta = new(2);

        public async Task<(IDataConnector Data, IMetaConnector Meta, IAsyncDisposable Owner)> OpenAsync()
        {
            switch (store)
            {
                case SqliteStorage.Generic:
                    var generic = await SqliteStore.OpenAsync(path, 2);
                    return (generic.Data, generic.Meta, generic);
                case SqliteStorage.Typed:
                    var typed = await TypedSqliteStore.OpenAsync<WideRow>(path);
                    return (typed, typed, typed);
                case PostgresScenarios.Store:
                    var postgres = await PostgreSqlStore.OpenAsync(PostgresScenarios.ConnectionString!, 2, new PostgreSqlStoreOptions { Schema = schema });
                    return (postgres.Data, postgres.Meta, postgres);
                case TypedPostgresScenarios.Store:
                    var typedPostgres = await TypedPostgreSqlStore.OpenAsync<WideRow>(PostgresScenarios.ConnectionString!, new PostgreSqlStoreOptions { Schema = schema });
                    return (typedPostgres, typedPostgres, typedPostgres);
                default:
                    return (_memoryData, _memoryMeta, new NothingToClose());
            }
        }

        public async Task<(long InUse, long? Vacuumed)> MeasureAsync()
        {
            if (store.StartsWith("sqlite", StringComparison.Ordinal))
            {
                await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
                await connection.OpenAsync();
                long Pragma(string name)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = $"PRAGMA {name}";
                    return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                }

                Pragma("wal_checkpoint(TRUNCATE)");
                var inUse = (Pragma("page_count") - Pragma("freelist_count")) * Pragma("page_size");
                using (var vacuum = connection.CreateCommand())
                {
                    vacuum.CommandText = "VACUUM";
                    vacuum.ExecuteNonQuery();
                }

                Pragma("wal_checkpoint(TRUNCATE)");
                return (inUse, new FileInfo(path).Length);
            }

            if (store.StartsWith("postgres", StringComparison.Ordinal))
            {
                await using var connection = new NpgsqlConnection(PostgresScenarios.ConnectionString);
                await connection.OpenAsync();
                var tables = new List<string>();
                await using (var list = new NpgsqlCommand("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_schema = $1", connection) { Parameters = { new() { Value = schema } } })
                await using (var reader = await list.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        tables.Add(reader.GetString(0));
                    }
                }

                long total = 0;
                foreach (var table in tables)
                {
                    await using var vacuum = new NpgsqlCommand($"VACUUM FULL {table}", connection);
                    await vacuum.ExecuteNonQueryAsync();
                    await using var size = new NpgsqlCommand($"SELECT pg_total_relation_size('{table.Replace("'", "''", StringComparison.Ordinal)}')", connection);
                    total += (long)(await size.ExecuteScalarAsync())!;
                }

                return (total, null);
            }

            GC.KeepAlive(_memoryData);
            GC.KeepAlive(_memoryMeta);
            return (GC.GetTotalMemory(forceFullCollection: true), null);
        }
    }

    private sealed class NothingToClose : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
