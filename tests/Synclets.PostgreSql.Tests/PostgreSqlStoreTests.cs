using Npgsql;
using Synclets.Connectors;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.PostgreSql.Tests;

/// <summary>The PostgreSQL store on a real server: its layout, reopening, one writer, mixed groups, and errors that say what to do.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStoreTests(PostgresServer server)
{
    [PostgresFact]
    public Task The_tombstone_horizon_and_the_collection_survive_a_reopen()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        return Synclets.Tests.Scenarios.TombstoneChecks.Horizon_and_collection_survive_a_reopen(async () =>
        {
            var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
            return (store.Data, store.Meta, store);
        });
    }

    [PostgresFact]
    public async Task Atoms_and_timestamps_are_stored_in_the_references_layout_and_survive_a_reopen()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        uint hash;
        await using (var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomAsync(["t1", "title"], "Buy milk");
            await synclet.SetAtomsAsync(["t2"], [KeyValuePair.Create("done", Atom.FromBoolean(true)), KeyValuePair.Create("n", Atom.FromNumber(2.5))]);
            await synclet.DeleteAtomAsync(["t2", "n"]);
            hash = await synclet.GetHashAsync([]);
        }

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rows = new NpgsqlCommand($"SELECT d.address, d.atom, d.address1, d.address2, m.timestamp FROM \"{options.Schema}\".data d JOIN \"{options.Schema}\".meta m USING (address) ORDER BY d.address", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("[\"t1\",\"title\"]", "\"Buy milk\"", "t1", "title"), (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            Assert.Matches("^\"[^\"]{16}\"$", reader.GetString(4)); // JSON text, quotes included, as the reference writes it.
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("[\"t2\",\"done\"]", "true"), (reader.GetString(0), reader.GetString(1)));
            Assert.False(await reader.ReadAsync()); // The deleted atom: a timestamp, no data row.
        }

        await using var reopened = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
        await using var again = new Synclet(reopened.Data, reopened.Meta);
        Assert.Equal("""{"t1":{"title":"Buy milk"},"t2":{"done":true}}""", (await again.GetDataAsync()).ToJsonString());
        Assert.Equal(hash, await again.GetHashAsync([]));
        Assert.NotEqual(0u, hash);
    }

    [PostgresFact]
    public async Task The_stored_hashes_equal_a_memory_replicas_after_syncing_from_it()
    {
        var pool = new MemoryPool();
        await using var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 3, new PostgreSqlStoreOptions { Schema = server.NewSchema() });
        await using var memory = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "memory" });
        await using var postgres = new Synclet(store.Data, store.Meta, pool.CreateTransport(), new SyncletOptions { Id = "postgres" });
        for (var i = 0; i < 300; i++)
        {
            await memory.SetAtomAsync([$"table{i % 3}", $"row{i}", "cell"], Atom.FromNumber(i));
        }

        await memory.StartAsync();
        await postgres.StartAsync();
        await Quiescence.WaitAsync(memory, postgres, pool);

        Assert.Equal((await memory.GetDataAsync()).ToJsonString(), (await postgres.GetDataAsync()).ToJsonString());
        foreach (var parent in new[] { Array.Empty<string>(), ["table1"], ["table2", "row5"] })
        {
            Assert.Equal(await memory.GetHashAsync(parent), await postgres.GetHashAsync(parent));
        }
    }

    [PostgresFact]
    public async Task Stored_hashes_stay_right_when_another_program_writes_the_meta_table_open_or_closed()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        var pool = new MemoryPool();
        var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
        await using var postgres = new Synclet(store.Data, store.Meta, pool.CreateTransport(), new SyncletOptions { Id = "postgres" });
        await using var peer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await postgres.StartAsync();
        await peer.StartAsync();
        await peer.SetAtomAsync(["a", "x"], "ours");
        await Quiescence.WaitAsync(postgres, peer, pool);

        // Another program (psql, an app of its own) writes a row and restamps ours while the store is open.
        await using var other = new NpgsqlConnection(server.ConnectionString);
        await other.OpenAsync();
        await RunAsync(other, $"""
            INSERT INTO "{options.Schema}".data VALUES ('["b","y"]', '"theirs"', 'b', 'y');
            INSERT INTO "{options.Schema}".meta VALUES ('["b","y"]', '"{Timestamp.Encode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1_000, 0, 99)}"', 'b', 'y');
            """);
        Assert.Equal(await HashOfMetaAsync(other, options.Schema, []), await postgres.GetHashAsync([]));
        Assert.Equal(await HashOfMetaAsync(other, options.Schema, ["b"]), await postgres.GetHashAsync(["b"]));

        // So a peer that was in sync hears of it when it next compares: the root hashes differ.
        await peer.SyncAsync([]);
        await Quiescence.WaitAsync(postgres, peer, pool);
        Assert.Equal("""{"a":{"x":"ours"},"b":{"y":"theirs"}}""", (await peer.GetDataAsync()).ToJsonString());

        // And while no store has it open: the next open sees the flag and rebuilds.
        await postgres.StopAsync();
        await store.DisposeAsync();
        await RunAsync(other, $"""DELETE FROM "{options.Schema}".meta WHERE address = '["a","x"]'""");
        await using var reopened = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
        Assert.Equal(await HashOfMetaAsync(other, options.Schema, []), await new Synclet(reopened.Data, reopened.Meta).GetHashAsync([]));

        // The store's own writes do not set the flag: its hashes are kept with them.
        await new Synclet(reopened.Data, reopened.Meta).SetAtomAsync(["c", "z"], "mine");
        Assert.Equal(0L, await ScalarAsync(other, $"""SELECT "hash" FROM "{options.Schema}".meta_hashes WHERE parent = 'written by another program'"""));
    }

    private static async Task RunAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The hash of a parent as the protocol defines it, from the meta table's rows: the XOR of the hashes of the timestamps below it.</summary>
    private static async Task<uint> HashOfMetaAsync(NpgsqlConnection connection, string schema, string[] parent)
    {
        await using var command = new NpgsqlCommand($"SELECT address, timestamp FROM \"{schema}\".meta", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var hash = 0u;
        var prefix = parent.Length == 0 ? "[" : "[" + string.Join(",", parent.Select(id => $"\"{id}\"")) + ",";
        while (await reader.ReadAsync())
        {
            if (reader.GetString(0).StartsWith(prefix, StringComparison.Ordinal))
            {
                hash ^= Fnv1a.Hash(reader.GetString(1).Trim('"'));
            }
        }

        return hash;
    }

    [PostgresFact]
    public async Task A_SQLite_client_a_PostgreSQL_store_and_a_memory_client_converge()
    {
        var pool = new MemoryPool();
        var file = Path.Combine(Path.GetTempPath(), "synclets-mixed-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var sqlite = await SqliteStore.OpenAsync(file, 2);
            await using var postgresStore = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, new PostgreSqlStoreOptions { Schema = server.NewSchema() });
            await using var a = new Synclet(sqlite.Data, sqlite.Meta, pool.CreateTransport(), new SyncletOptions { Id = "sqlite" });
            await using var b = new Synclet(postgresStore.Data, postgresStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "postgres" });
            await using var c = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "memory" });
            await a.SetAtomAsync(["a", "x"], "from sqlite");
            await b.SetAtomAsync(["b", "x"], "from postgres");
            await c.SetAtomAsync(["c", "x"], "from memory");
            await c.SetAtomAsync(["a", "x"], "memory wins, written last");
            foreach (var synclet in new[] { a, b, c })
            {
                await synclet.StartAsync();
            }

            await Quiescence.WaitAsync([a, b, c, pool]);
            var expected = """{"a":{"x":"memory wins, written last"},"b":{"x":"from postgres"},"c":{"x":"from memory"}}""";
            Assert.Equal(expected, (await a.GetDataAsync()).ToJsonString());
            Assert.Equal(expected, (await b.GetDataAsync()).ToJsonString());
            Assert.Equal(expected, (await c.GetDataAsync()).ToJsonString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [PostgresFact]
    public async Task A_second_opener_of_a_store_is_refused_naming_the_holder_until_the_first_closes()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        var first = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
        var refused = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options));
        Assert.Contains("is open in server process", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'synclets'", refused.Message, StringComparison.Ordinal);

        await using (var other = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, new PostgreSqlStoreOptions { Schema = server.NewSchema() }))
        {
            // Another schema is another store: no conflict.
        }

        await first.DisposeAsync();
        await using var second = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
        Assert.Equal(2, second.Depth);
    }

    [PostgresFact]
    public async Task A_schema_of_another_depth_and_bad_connection_strings_give_errors_that_say_what_to_do()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        await (await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options)).DisposeAsync();
        var depth = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => PostgreSqlStore.OpenAsync(server.ConnectionString, 3, options));
        Assert.Contains("is not a depth-3 Synclets table", depth.Message, StringComparison.Ordinal);

        var garbage = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => PostgreSqlStore.OpenAsync("this is not one", 2));
        Assert.Contains("connection string is not valid", garbage.Message, StringComparison.Ordinal);

        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "no_such_database" };
        var missing = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => PostgreSqlStore.OpenAsync(builder.ConnectionString, 2));
        Assert.Contains("the database does not exist", missing.Message, StringComparison.Ordinal);

        builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Port = 1, Timeout = 2 };
        var unreachable = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => PostgreSqlStore.OpenAsync(builder.ConnectionString, 2));
        Assert.Contains("Check that the server is running", unreachable.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_unit_of_work_that_fails_keeps_nothing_and_the_store_works_on()
    {
        await using var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, new PostgreSqlStoreOptions { Schema = server.NewSchema() });
        await using var synclet = new Synclet(store.Data, store.Meta);
        await synclet.SetAtomAsync(["kept", "x"], "yes");
        var before = await synclet.GetHashAsync([]);

        // A row update that throws half way: nothing of it reaches the tables, the hashes included.
        await Assert.ThrowsAsync<InvalidOperationException>(() => synclet.UpdateRowsAsync([], ["r1", "r2"], (rowId, _, changes) =>
        {
            changes.Add(KeyValuePair.Create("x", Atom.FromString(rowId)));
            if (rowId == "r2")
            {
                throw new InvalidOperationException("no");
            }
        }));

        Assert.Equal("""{"kept":{"x":"yes"}}""", (await synclet.GetDataAsync()).ToJsonString());
        Assert.Equal(before, await synclet.GetHashAsync([]));
        await synclet.SetAtomAsync(["after", "x"], "works");
        Assert.Equal("""{"after":{"x":"works"},"kept":{"x":"yes"}}""", (await synclet.GetDataAsync()).ToJsonString());
    }
}

/// <summary>A store whose connection the server drops: the unit in flight fails whole, and the store reconnects for the next.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConnectionLossTests(PostgresServer server)
{
    [PostgresFact]
    public async Task A_write_whose_connection_dies_fails_whole_and_the_next_one_reconnects_and_keeps_the_lock()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        await using var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
        await using var synclet = new Synclet(store.Data, store.Meta);
        await synclet.SetAtomAsync(["a", "x"], "before");

        Assert.True(await server.TerminateSessionAsync(store.BackendProcessId));

        var lost = await Assert.ThrowsAsync<PostgreSqlStoreException>(() => synclet.SetAtomAsync(["b", "x"], "lost with the connection"));
        Assert.Contains("Nothing of this unit of work was kept", lost.Message, StringComparison.Ordinal);

        await synclet.SetAtomAsync(["c", "x"], "after");
        Assert.Equal("""{"a":{"x":"before"},"c":{"x":"after"}}""", (await synclet.GetDataAsync()).ToJsonString());
        var hash = await synclet.GetHashAsync([]);

        // The new session holds the lock again: another opener is still refused.
        await Assert.ThrowsAsync<PostgreSqlStoreException>(() => PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options));

        // And the stored hash is the one the timestamps give: rebuilt from scratch, it is the same.
        await store.DisposeAsync();
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var forget = new NpgsqlCommand($"DELETE FROM \"{options.Schema}\".meta_hashes", admin);
            await forget.ExecuteNonQueryAsync();
        }

        await using var rebuilt = await PostgreSqlStore.OpenAsync(server.ConnectionString, 2, options);
        Assert.Equal(hash, await new Synclet(rebuilt.Data, rebuilt.Meta).GetHashAsync([]));
    }
}

/// <summary>Writes straight to the connectors, outside any unit of work: each stands alone, failed or committed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StandAloneWriteTests(PostgresServer server)
{
    [PostgresFact]
    public async Task A_stand_alone_write_that_fails_leaves_nothing_buffered_and_the_next_one_commits()
    {
        var options = new PostgreSqlStoreOptions { Schema = server.NewSchema() };
        await using var store = await PostgreSqlStore.OpenAsync(server.ConnectionString, 1, options);
        Assert.True(await server.TerminateSessionAsync(store.BackendProcessId));
        await using var admin = new NpgsqlConnection(server.ConnectionString);
        await admin.OpenAsync();

        await Assert.ThrowsAsync<PostgreSqlStoreException>(async () => await store.Data.SetAtomAsync(["lost"], "no"));
        await store.Data.SetAtomAsync(["kept"], "yes");

        // Seen from another session: committed, not left in a unit that never ends.
        await using var count = new NpgsqlCommand($"SELECT string_agg(address, ',') FROM \"{options.Schema}\".data", admin);
        Assert.Equal("[\"kept\"]", await count.ExecuteScalarAsync());
    }
}
