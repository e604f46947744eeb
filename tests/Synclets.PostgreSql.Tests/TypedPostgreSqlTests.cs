using Npgsql;
using Synclets.Connectors;
using Synclets.Sqlite;
using Synclets.Tests.Scenarios;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.PostgreSql.Tests;

public enum Shade
{
    Light,
    Dark,
}

/// <summary>A row record with a property of every type that gets a PostgreSQL type of its own.</summary>
[SyncTree(depth: 2)]
public partial record Product(string Id, string? Name, bool InStock, long Count, double Weight, decimal Price, Guid Code, DateOnly Since, DateTime Updated, Shade Shade)
{
    // The scenarios write columns "aa", "ab" and "ba" (depth 2, rows "a" and "b"): the record has them too.
    public string? aa { get; init; }

    public string? ab { get; init; }

    public string? ba { get; init; }
}

/// <summary>A row record with no decimal: its new rows go in by binary COPY (a numeric column's exact text cannot).</summary>
[SyncTree(depth: 2)]
public partial record Note(string Id, string? Title, bool Done, long Stars, double Weight, Guid Code, DateOnly Due)
{
    public string? aa { get; init; }

    public string? ab { get; init; }

    public string? ba { get; init; }
}

/// <summary>The depth-2 scenarios of docs/scenarios.md with every synclet on its own typed PostgreSQL tables.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TypedPostgreSqlConvergenceTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _stores = [];

    public static TheoryData<string> Scenarios() =>
    [
        "Connected", "Connected_deletion", "Start_1_set_1_start_2", "Start_2_set_1_start_1", "Stop_1_set_1_start_1", "Stop_1_set_2_start_1",
        "Set_1_set_2_start_2_start_1", "Connected_near_atom", "Connected_far_atom", "Disconnected_near_atom", "Disconnected_far_atom",
        "Disconnected_conflicting_values", "Disconnected_conflicting_values_2", "Connected_initial", "Tombstones_collected_then_stale_replica_rejoins",
    ];

    [PostgresTheory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_at_depth_2(string name)
    {
        var scenario = (Func<NewGroup, int, Task>)Delegate.CreateDelegate(typeof(Func<NewGroup, int, Task>), typeof(ConvergenceScenarios).GetMethod(name)!);
        return scenario((count, depth, topology) => new SyncGroup(count, depth, topology, _ => new MemoryPool(), Storage), 2);
    }

    [PostgresTheory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_at_depth_2_with_new_rows_copied(string name)
    {
        var scenario = (Func<NewGroup, int, Task>)Delegate.CreateDelegate(typeof(Func<NewGroup, int, Task>), typeof(ConvergenceScenarios).GetMethod(name)!);
        return scenario((count, depth, topology) => new SyncGroup(count, depth, topology, _ => new MemoryPool(), CopiedStorage), 2);
    }

    [PostgresFact]
    public Task N_way_pool_of_6() =>
        ConvergenceScenarios.N_way((count, depth, topology) => new SyncGroup(count, depth, topology, _ => new MemoryPool(), Storage), 6, Topology.Pool, 2);

    [PostgresFact]
    public Task N_way_pool_of_6_with_new_rows_copied() =>
        ConvergenceScenarios.N_way((count, depth, topology) => new SyncGroup(count, depth, topology, _ => new MemoryPool(), CopiedStorage), 6, Topology.Pool, 2);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    private (IDataConnector, IMetaConnector) Storage(int depth)
    {
        var store = TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = server.NewSchema() }).GetAwaiter().GetResult();
        _stores.Add(store);
        return (store, store);
    }

    private (IDataConnector, IMetaConnector) CopiedStorage(int depth)
    {
        var store = TypedPostgreSqlStore.OpenAsync<Note>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = server.NewSchema() }).GetAwaiter().GetResult();
        _stores.Add(store);
        return (store, store);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class TypedPostgreSqlStoreTests(PostgresServer server) : IDisposable
{
    private readonly string _sqliteFile = Path.Combine(Path.GetTempPath(), "synclets-typed-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_sqliteFile);
    }

    private static Product Lamp(string id) => new(id, "Lamp", InStock: true, Count: 3, Weight: 0.5, Price: 12.30m, Code: Guid.Parse("0b8e2c9a-3a1f-4f51-9d55-1f2a7e3c4d5e"), Since: new DateOnly(2027, 4, 15), Updated: new DateTime(2026, 12, 7, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234567), Shade: Shade.Dark);

    [PostgresFact]
    public Task The_tombstone_horizon_and_the_collection_survive_a_reopen()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        return Synclets.Tests.Scenarios.TombstoneChecks.Horizon_and_collection_survive_a_reopen(async () =>
        {
            var store = await TypedPostgreSqlStore.OpenAsync<Note>(server.ConnectionString, options);
            return (store, store, store);
        });
    }

    [PostgresFact]
    public async Task Rows_land_in_real_PostgreSQL_types_and_sync_with_a_typed_SQLite_client_and_a_memory_client()
    {
        var schema = server.NewSchema();
        await using var postgres = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema });
        await using var sqlite = await TypedSqliteStore.OpenAsync<Product>(_sqliteFile);
        var pool = new MemoryPool();
        await using var server1 = new Synclet(postgres, postgres, pool.CreateTransport(), new SyncletOptions { Id = "postgres" });
        await using var phone = new Synclet(sqlite, sqlite, pool.CreateTransport(), new SyncletOptions { Id = "sqlite" });
        await using var browser = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "memory" });
        var phoneProducts = Product.CreateStore(phone);
        await phoneProducts.UpsertAsync(Lamp("p1"));
        await phoneProducts.UpsertAsync(new Product("p2", null, false, -1, 2, -0.5m, Guid.Empty, DateOnly.MinValue, DateTime.MinValue, Shade.Light));
        await phoneProducts.UpsertAsync(new Product("p3", "Crème brûlée \u2713 \U0001F600", false, long.MaxValue / 2, double.MaxValue, 79228162514264337593543950335m, Guid.NewGuid(), DateOnly.MaxValue, DateTime.MaxValue, Shade.Light) { aa = string.Empty });
        foreach (var synclet in new[] { server1, phone, browser })
        {
            await synclet.StartAsync();
        }

        await Quiescence.WaitAsync(server1, phone, browser, pool);
        var data = (await phone.GetDataAsync()).ToJsonString();
        Assert.Equal(data, (await server1.GetDataAsync()).ToJsonString());
        Assert.Equal(data, (await browser.GetDataAsync()).ToJsonString());
        Assert.Equal((await phone.GetMetaAsync()).ToJsonString(), (await server1.GetMetaAsync()).ToJsonString());
        Assert.Equal(Lamp("p1"), await Product.CreateStore(server1).GetAsync("p1"));

        // Real PostgreSQL types, and the values in them as an app reading the table would see them.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        var types = new Dictionary<string, string>();
        await using (var columns = new NpgsqlCommand($"SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'Product'", connection))
        await using (var reader = await columns.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                types[reader.GetString(0)] = reader.GetString(1);
            }
        }

        Assert.Equal("text", types["Id"]);
        Assert.Equal("text", types["Name"]);
        Assert.Equal("boolean", types["InStock"]);
        Assert.Equal("bigint", types["Count"]);
        Assert.Equal("double precision", types["Weight"]);
        Assert.Equal("numeric", types["Price"]);
        Assert.Equal("uuid", types["Code"]);
        Assert.Equal("date", types["Since"]);
        Assert.Equal("text", types["Updated"]); // 100 ns ticks and the DateTime's kind: timestamptz would change them.
        Assert.Equal("text", types["Shade"]);
        await using (var row = new NpgsqlCommand($"SELECT \"InStock\", \"Count\", \"Price\", \"Code\", \"Since\", \"Name\" IS NULL FROM \"{schema}\".\"Product\" WHERE \"Id\" = 'p1'", connection))
        await using (var reader = await row.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.True(reader.GetBoolean(0));
            Assert.Equal(3L, reader.GetInt64(1));
            Assert.Equal(12.30m, reader.GetDecimal(2));
            Assert.Equal(Lamp("p1").Code, reader.GetGuid(3));
            Assert.Equal(new DateOnly(2027, 4, 15), reader.GetFieldValue<DateOnly>(4));
            Assert.False(reader.GetBoolean(5));
        }

        // Null is a value (the column NULL), a deleted row leaves the table once all its cells are gone.
        Assert.Null((await Product.CreateStore(server1).GetAsync("p2"))!.Name);
        await Product.CreateStore(browser).DeleteAsync("p2");
        await Quiescence.WaitAsync(server1, phone, browser, pool);
        Assert.Null(await Product.CreateStore(server1).GetAsync("p2"));
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".\"Product\" WHERE \"Id\" = 'p2'", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
        Assert.Equal(await phone.GetHashAsync([]), await server1.GetHashAsync([]));
    }

    [PostgresFact]
    public async Task An_atom_its_column_cannot_keep_exactly_is_refused_and_the_rest_of_the_row_is_stored()
    {
        await using var postgres = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = server.NewSchema() });
        var pool = new MemoryPool();
        var logs = new TestLoggerFactory();
        await using var store = new Synclet(postgres, postgres, pool.CreateTransport(), new SyncletOptions { Id = "postgres", LoggerFactory = logs });
        await using var peer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await store.StartAsync();
        await peer.StartAsync();

        // Each would come back changed (a uuid in lower case, a date or decimal rewritten, a whole number): refused, not changed.
        await peer.SetAtomAsync(["p1", "Code"], "0B8E2C9A-3A1F-4F51-9D55-1F2A7E3C4D5E");
        await peer.SetAtomAsync(["p1", "Since"], "2027-4-15");
        await peer.SetAtomAsync(["p1", "Price"], "1e3");
        await peer.SetAtomAsync(["p1", "Count"], 1.5);
        await peer.SetAtomAsync(["p1", "Name"], "kept");
        await Quiescence.WaitAsync(store, peer, pool);

        Assert.Equal(4, logs.Warnings.Count(warning => warning.Contains("refused 1 atom(s) from peer that its storage cannot keep", StringComparison.Ordinal)));
        Assert.Equal("""{"p1":{"Name":"kept"}}""", (await store.GetDataAsync()).ToJsonString());
        Assert.Null(postgres.WhyNotStorable(["p1", "Code"], "0b8e2c9a-3a1f-4f51-9d55-1f2a7e3c4d5e"));
        Assert.Null(postgres.WhyNotStorable(["p1", "Price"], "-0.50"));
        Assert.Contains("uuid", postgres.WhyNotStorable(["p1", "Code"], "not a uuid"), StringComparison.Ordinal);
        Assert.Contains("U+0000", postgres.WhyNotStorable(["p1", "Name"], "a\0b"), StringComparison.Ordinal);
        Assert.Contains("Boolean", postgres.WhyNotStorable(["p1", "InStock"], "yes"), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_property_added_later_adds_its_column_and_reads_as_absent_and_the_root_hash_is_built()
    {
        var schema = server.NewSchema();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            // Version 1 of the record had no Shade, aa, ab or ba; its tables kept no root hash.
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"""
                CREATE SCHEMA "{schema}";
                CREATE TABLE "{schema}"."Product" ("Id" text PRIMARY KEY, "Name" text, "InStock" boolean, "Count" bigint, "Weight" double precision, "Price" numeric, "Code" uuid, "Since" date, "Updated" text, "absent" bigint NOT NULL);
                CREATE TABLE "{schema}"."Product_meta" ("Id" text PRIMARY KEY, "Name" text, "InStock" text, "Count" text, "Weight" text, "Price" text, "Code" text, "Since" text, "Updated" text);
                CREATE TABLE "{schema}"."Product_hashes" ("parent" text PRIMARY KEY, "hash" bigint NOT NULL);
                INSERT INTO "{schema}"."Product" VALUES ('old', 'Old lamp', false, 7, NULL, NULL, NULL, NULL, NULL, 240);
                INSERT INTO "{schema}"."Product_meta" VALUES ('old', 'OhqqeV-----BT7zq', 'OhqqeV----0BT7zq', 'OhqqeV----1BT7zq', 'OhqqeV----2BT7zq', NULL, NULL, NULL, NULL);
                """, connection);
            await create.ExecuteNonQueryAsync();
        }

        await using var store = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema });
        await using var synclet = new Synclet(store, store);
        Assert.Equal("""{"old":{"Count":7,"InStock":false,"Name":"Old lamp","Weight":null}}""", (await synclet.GetDataAsync()).ToJsonString());
        Assert.Equal(Fnv1a.Hash("OhqqeV-----BT7zq") ^ Fnv1a.Hash("OhqqeV----0BT7zq") ^ Fnv1a.Hash("OhqqeV----1BT7zq") ^ Fnv1a.Hash("OhqqeV----2BT7zq"), await synclet.GetHashAsync([]));

        // The added column syncs like the others.
        await Product.CreateStore(synclet).UpsertAsync(Lamp("new") with { aa = "added" });
        Assert.Equal("added", (await Product.CreateStore(synclet).GetAsync("new"))!.aa);
    }

    [PostgresFact]
    public async Task A_column_whose_type_changed_or_a_second_opener_gets_an_error_that_says_what_to_do()
    {
        var schema = server.NewSchema();
        await using (var first = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema }))
        {
            var second = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema }));
            Assert.Contains("is open in server process", second.Message, StringComparison.Ordinal);
        }

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var retype = new NpgsqlCommand($"ALTER TABLE \"{schema}\".\"Product\" ALTER COLUMN \"Code\" TYPE text", connection);
            await retype.ExecuteNonQueryAsync();
        }

        var retyped = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema }));
        Assert.Contains("Column 'Code'", retyped.Message, StringComparison.Ordinal);
        Assert.Contains("needs uuid", retyped.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_store_of_more_rows_than_a_page_streams_them_all_to_an_empty_peer_deleted_cells_included()
    {
        await using var full = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = server.NewSchema() });
        var pool = new MemoryPool();
        await using var fullSynclet = new Synclet(full, full, pool.CreateTransport(), new SyncletOptions { Id = "full" });
        var products = Product.CreateStore(fullSynclet);
        await products.UpsertManyAsync([.. Enumerable.Range(0, 2_500).Select(i => Lamp($"p{i:0000}") with { Count = i })]); // Past one page (2,000 rows) of the subtree reader.
        await products.DeleteAsync("p0007");
        await fullSynclet.StartAsync();
        await using var empty = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "empty" });
        await empty.StartAsync();
        await Quiescence.WaitAsync(fullSynclet, empty, pool);

        Assert.Equal((await fullSynclet.GetMetaAsync()).ToJsonString(), (await empty.GetMetaAsync()).ToJsonString());
        Assert.Equal((await fullSynclet.GetDataAsync()).ToJsonString(), (await empty.GetDataAsync()).ToJsonString());
        Assert.Equal(2_499, (await empty.GetChildIdsAsync([])).Count);
        Assert.Equal(await fullSynclet.GetHashAsync([]), await empty.GetHashAsync([]));
    }

    [PostgresFact]
    public async Task The_root_hash_stays_right_when_another_program_writes_the_meta_table_open_or_closed()
    {
        var schema = server.NewSchema();
        var options = new PostgreSqlStoreOptions { Schema = schema };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        async Task<uint> HashOfEveryTimestampAsync()
        {
            await using var read = new NpgsqlCommand($"SELECT \"Name\" FROM \"{schema}\".\"Product_meta\" WHERE \"Name\" IS NOT NULL", connection);
            await using var reader = await read.ExecuteReaderAsync();
            var hash = 0u;
            while (await reader.ReadAsync())
            {
                hash ^= Fnv1a.Hash(reader.GetString(0));
            }

            return hash;
        }

        async Task RunAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        await using (var store = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, options))
        {
            await using var synclet = new Synclet(store, store);
            await synclet.SetAtomAsync(["p1", "Name"], "mine");

            // Open: a row written by another program (psql, an app of its own) counts in the next hash read.
            await RunAsync($"INSERT INTO \"{schema}\".\"Product\" (\"Id\", \"Name\", \"absent\") VALUES ('theirs', 'theirs', {(1L << 12) - 2}); INSERT INTO \"{schema}\".\"Product_meta\" (\"Id\", \"Name\") VALUES ('theirs', 'OhqqeV-----BT7zq')");
            Assert.Equal(await HashOfEveryTimestampAsync(), await synclet.GetHashAsync([]));
            await synclet.SetAtomAsync(["p2", "Name"], "mine too");
            Assert.Equal(await HashOfEveryTimestampAsync(), await synclet.GetHashAsync([]));
        }

        // Closed: a deletion by another program is seen on the next open.
        await RunAsync($"DELETE FROM \"{schema}\".\"Product_meta\" WHERE \"Id\" = 'theirs'");
        await using (var reopened = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, options))
        {
            Assert.Equal(await HashOfEveryTimestampAsync(), await reopened.GetHashAsync([]));
        }
    }

    [PostgresFact]
    public async Task New_rows_go_in_by_copy_and_one_another_program_wrote_meanwhile_falls_back_to_the_upsert()
    {
        var schema = server.NewSchema();
        await using var target = await TypedPostgreSqlStore.OpenAsync<Note>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema });
        var pool = new MemoryPool();
        await using var source = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "source" });
        var notes = Note.CreateStore(source);
        var code = Guid.Parse("0b8e2c9a-3a1f-4f51-9d55-1f2a7e3c4d5e");
        await notes.UpsertManyAsync([.. Enumerable.Range(0, 300).Select(i => new Note($"n{i:000}", i % 7 == 0 ? null : $"note {i}", i % 2 == 0, i, i / 3.0, code, new DateOnly(2027, 1, 1 + (i % 28))))]);
        await notes.DeleteAsync("n005");
        await using var stored = new Synclet(target, target, pool.CreateTransport(), new SyncletOptions { Id = "target" });
        await source.StartAsync();
        await stored.StartAsync();
        await Quiescence.WaitAsync(source, stored, pool);
        Assert.Equal((await source.GetDataAsync()).ToJsonString(), (await stored.GetDataAsync()).ToJsonString());
        Assert.Equal((await source.GetMetaAsync()).ToJsonString(), (await stored.GetMetaAsync()).ToJsonString());
        Assert.Equal(await source.GetHashAsync([]), await stored.GetHashAsync([]));

        // A unit whose new row another program inserted after the store read it: the COPY meets the
        // row, rolls back to its savepoint, and the rows go in the general way.
        await target.BeginWritesAsync();
        await target.PrefetchChildTimestampsAsync([], ["late", "later"]);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand($"INSERT INTO \"{schema}\".\"Note\" (\"Id\", \"Title\", \"absent\") VALUES ('late', 'theirs', {(1L << 9) - 2})", connection);
            await insert.ExecuteNonQueryAsync();
        }

        await target.SetAtomAsync(["late", "Title"], "ours");
        await target.SetTimestampAsync(["late", "Title"], "OhqqeV-----BT7zq");
        await target.SetAtomAsync(["later", "Title"], "ours too");
        await target.SetTimestampAsync(["later", "Title"], "OhqqeV----0BT7zq");
        await target.CommitWritesAsync();
        Assert.Equal("ours", (await target.GetAtomAsync(["late", "Title"])).AsString());
        Assert.Equal("ours too", (await target.GetAtomAsync(["later", "Title"])).AsString());
        Assert.Equal("OhqqeV-----BT7zq", await target.GetTimestampAsync(["late", "Title"]));
    }

    [PostgresFact]
    public async Task A_unit_that_fails_at_commit_keeps_nothing_and_the_store_works_on()
    {
        await using var store = await TypedPostgreSqlStore.OpenAsync<Product>(server.ConnectionString, new PostgreSqlStoreOptions { Schema = server.NewSchema() });
        await using var synclet = new Synclet(store, store);
        await Product.CreateStore(synclet).UpsertAsync(Lamp("p1"));
        var before = await synclet.GetHashAsync([]);

        // The connection dies with a unit's writes buffered: its commit fails, nothing of it is kept.
        await store.BeginWritesAsync();
        await store.SetAtomAsync(["p2", "Name"], "lost");
        await store.SetTimestampAsync(["p2", "Name"], "OhqqeV-----BT7zq");
        Assert.True(await server.TerminateSessionAsync(store.BackendProcessId));
        await Assert.ThrowsAsync<PostgreSqlStoreException>(() => store.CommitWritesAsync().AsTask());

        Assert.Equal(before, await synclet.GetHashAsync([]));
        Assert.Null(await Product.CreateStore(synclet).GetAsync("p2"));
        await Product.CreateStore(synclet).UpsertAsync(Lamp("p3"));
        Assert.Equal(Lamp("p3"), await Product.CreateStore(synclet).GetAsync("p3"));
    }
}
