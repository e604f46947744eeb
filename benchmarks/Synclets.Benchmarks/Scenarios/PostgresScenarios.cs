using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Synclets.PostgreSql;
using Synclets.Protocol;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Initial sync from a filled SQLite store into an empty PostgreSQL store (generic layout, depth
/// 2) over the memory transport, beside the raw baseline measured in the same run: the same data
/// and meta rows loaded into two plain tables of the same shape by binary COPY. Runs only when
/// <c>SYNCLETS_POSTGRES</c> names a server (a connection string).
/// </summary>
internal static class PostgresScenarios
{
    public const string Store = "postgres";

    public static string? ConnectionString => Environment.GetEnvironmentVariable("SYNCLETS_POSTGRES") is { Length: > 0 } given ? given : null;

    public static async Task<ScenarioResult> InitialSyncAsync(long atoms)
    {
        await SyncOnceAsync(Math.Max(10, atoms / 10));
        return await SyncOnceAsync(atoms);
    }

    /// <summary>
    /// One change among <paramref name="atoms"/>: a SQLite replica and a PostgreSQL store in sync
    /// (the initial sync not measured), then one atom changed on the replica, timed until the
    /// store holds it and both are idle.
    /// </summary>
    public static async Task<ScenarioResult> OneChangeAsync(long atoms)
    {
        await using var pair = await SqliteAndPostgres.OpenAsync(atoms);
        return await TimeOneChangeAsync(pair.Sqlite, pair.Postgres, pair.Hub, [$"r{atoms / 20}", "c5"], Store, atoms, "a SQLite replica's change reaching a PostgreSQL store in sync with it");
    }

    /// <summary>
    /// Brings a replica and a store on one hub in sync (not measured), then times one atom changed
    /// on the replica until the store holds it and both are idle, with the messages and bytes it cost.
    /// </summary>
    internal static async Task<ScenarioResult> TimeOneChangeAsync(Synclet replica, Synclet server, PacketHub hub, string[] address, string store, long atoms, string note)
    {
        await replica.StartAsync();
        await server.StartAsync();
        await Quiescence.WaitAsync(replica, server, hub);

        var (messagesBefore, bytesBefore) = (replica.Statistics.MessagesSent + server.Statistics.MessagesSent, replica.Statistics.BytesSent + server.Statistics.BytesSent);
        using var memory = new MemorySampler();
        var watch = Stopwatch.StartNew();
        await replica.SetAtomAsync(address, "changed");
        await Quiescence.WaitAsync(replica, server, hub);
        watch.Stop();
        return new ScenarioResult
        {
            Scenario = "one-change",
            Store = store,
            Transport = "memory",
            Depth = 2,
            Atoms = atoms,
            Seconds = watch.Elapsed.TotalSeconds,
            Messages = replica.Statistics.MessagesSent + server.Statistics.MessagesSent - messagesBefore,
            Bytes = replica.Statistics.BytesSent + server.Statistics.BytesSent - bytesBefore,
            PeakMemoryBytes = memory.Peak,
            BaseMemoryBytes = memory.Base,
            Converged = (await server.GetAtomAsync(address)).AsString() == "changed" && await replica.GetHashAsync([]) == await server.GetHashAsync([]),
            Note = note,
        };
    }

    private static async Task<ScenarioResult> SyncOnceAsync(long atoms)
    {
        await using var pair = await SqliteAndPostgres.OpenAsync(atoms);
        var (full, empty, hub) = (pair.Sqlite, pair.Postgres, pair.Hub);
        var copySchema = pair.Schema + "_copy";
        try
        {
            var baseline = await CopyBaselineAsync(copySchema, atoms);
            await full.StartAsync();
            await Quiescence.WaitAsync(full, hub);

            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            await empty.StartAsync();
            await Quiescence.WaitAsync(full, empty, hub);
            watch.Stop();
            var converged = await full.GetHashAsync([]) == await empty.GetHashAsync([]);
            return new ScenarioResult
            {
                Scenario = "initial-sync",
                Store = Store,
                Transport = "memory",
                Depth = 2,
                Atoms = atoms,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = full.Statistics.MessagesSent + empty.Statistics.MessagesSent,
                Bytes = full.Statistics.BytesSent + empty.Statistics.BytesSent,
                PeakMemoryBytes = memory.Peak,
                BaseMemoryBytes = memory.Base,
                BaselineSeconds = baseline,
                Ratio = watch.Elapsed.TotalSeconds / baseline,
                Converged = converged,
                Note = "baseline: the same data and meta rows by binary COPY into two plain tables",
            };
        }
        finally
        {
            await DropAsync(copySchema);
        }
    }

    /// <summary>Seconds to load the rows a store of <paramref name="atoms"/> holds (data and meta, the same keys and text) by binary COPY.</summary>
    private static async Task<double> CopyBaselineAsync(string schema, long atoms)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var setup = new NpgsqlCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.data (address TEXT PRIMARY KEY, atom TEXT, address1 TEXT, address2 TEXT); CREATE TABLE {schema}.meta (address TEXT PRIMARY KEY, timestamp TEXT, address1 TEXT, address2 TEXT)", connection))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var clock = new HybridLogicalClock("baseline");
        var watch = Stopwatch.StartNew();
        foreach (var table in new[] { "data", "meta" })
        {
            await using var import = await connection.BeginBinaryImportAsync($"COPY {schema}.{table} FROM STDIN (FORMAT BINARY)");
            for (long i = 0; i < atoms; i++)
            {
                string[] address = [$"r{i / 10}", $"c{i % 10}"];
                await import.StartRowAsync();
                await import.WriteAsync(AtomJson.WriteAddress(address), NpgsqlDbType.Text);
                await import.WriteAsync(table == "data" ? AtomJson.Write(SqliteScenarios.Value(i)) : "\"" + clock.Next() + "\"", NpgsqlDbType.Text);
                await import.WriteAsync(address[0], NpgsqlDbType.Text);
                await import.WriteAsync(address[1], NpgsqlDbType.Text);
            }

            await import.CompleteAsync();
        }

        return watch.Elapsed.TotalSeconds;
    }

    internal static async Task DropAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A SQLite store filled with <c>atoms</c> atoms and an empty PostgreSQL store in a schema of its
    /// own, each with a stopped synclet on one memory hub; disposing drops the schema and the folder.
    /// </summary>
    private sealed class SqliteAndPostgres : IAsyncDisposable
    {
        private readonly DirectoryInfo _folder;
        private SqliteStore? _sqliteStore;
        private PostgreSqlStore? _postgresStore;

        private SqliteAndPostgres(DirectoryInfo folder, string schema)
        {
            _folder = folder;
            Schema = schema;
        }

        public string Schema { get; }

        public MemoryPool Hub { get; } = new();

        public Synclet Sqlite { get; private set; } = null!;

        public Synclet Postgres { get; private set; } = null!;

        public static async Task<SqliteAndPostgres> OpenAsync(long atoms)
        {
            var pair = new SqliteAndPostgres(Directory.CreateTempSubdirectory("synclets-pg-bench-"), "bench_" + Guid.NewGuid().ToString("N")[..12]);
            try
            {
                pair._sqliteStore = await SqliteStore.OpenAsync(Path.Combine(pair._folder.FullName, "source.db"), 2);
                pair._postgresStore = await PostgreSqlStore.OpenAsync(ConnectionString!, 2, new PostgreSqlStoreOptions { Schema = pair.Schema });
                pair.Sqlite = new Synclet(pair._sqliteStore.Data, pair._sqliteStore.Meta, pair.Hub.CreateTransport(), new SyncletOptions { Id = "sqlite" });
                pair.Postgres = new Synclet(pair._postgresStore.Data, pair._postgresStore.Meta, pair.Hub.CreateTransport(), new SyncletOptions { Id = "postgres" });
                await SqliteScenarios.FillAsync(pair._sqliteStore, atoms);
                return pair;
            }
            catch
            {
                await pair.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Sqlite is not null)
            {
                await Sqlite.DisposeAsync();
            }

            if (Postgres is not null)
            {
                await Postgres.DisposeAsync();
            }

            if (_sqliteStore is not null)
            {
                await _sqliteStore.DisposeAsync();
            }

            if (_postgresStore is not null)
            {
                await _postgresStore.DisposeAsync();
            }

            await DropAsync(Schema);
            _folder.Delete(recursive: true);
        }
    }
}
