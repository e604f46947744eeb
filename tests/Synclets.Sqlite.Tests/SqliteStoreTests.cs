using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Sqlite.Tests;

public sealed class SqliteStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_depth_3_store_larger_than_a_message_streams_its_atoms_to_an_empty_peer()
    {
        await using var full = await SqliteStore.OpenAsync(_folder.NewFile("full"), 3);
        await using var empty = await SqliteStore.OpenAsync(_folder.NewFile("empty"), 3);
        var pool = new MemoryPool();
        await using var fullSynclet = new Synclet(full.Data, full.Meta, pool.CreateTransport(), new SyncletOptions { Id = "full", MaxNodesPerMessage = 7 });
        for (var table = 0; table < 3; table++)
        {
            for (var row = 0; row < 4; row++)
            {
                for (var cell = 0; cell < 5; cell++)
                {
                    Atom value = cell switch { 0 => Atom.Null, 1 => row % 2 == 0, 2 => row * 1.5, _ => $"t{table} \"r{row}\" c{cell}" };
                    await fullSynclet.SetAtomAsync([$"t{table}", $"r{row}", $"c{cell}"], value);
                }
            }
        }

        await fullSynclet.DeleteAtomAsync(["t1", "r2", "c4"]);
        await using var emptySynclet = new Synclet(empty.Data, empty.Meta, pool.CreateTransport(), new SyncletOptions { Id = "empty", MaxNodesPerMessage = 7 });
        await fullSynclet.StartAsync();
        await emptySynclet.StartAsync();
        await Quiescence.WaitAsync(fullSynclet, emptySynclet, pool);

        Assert.Equal((await fullSynclet.GetDataAsync()).ToJsonString(), (await emptySynclet.GetDataAsync()).ToJsonString());
        Assert.Equal((await fullSynclet.GetMetaAsync()).ToJsonString(), (await emptySynclet.GetMetaAsync()).ToJsonString());
        Assert.True(fullSynclet.Statistics.MessagesSent >= 60 / 7, $"{fullSynclet.Statistics.MessagesSent} messages sent");
    }

    [Fact]
    public async Task A_store_larger_than_a_message_streams_what_a_listing_peer_lacks_and_merges_the_rest()
    {
        // The other order: the smaller peer runs first, so the full one hears a complete list of
        // its tables and answers with every atom of the tables not listed (streamed as text, many
        // messages) while it compares the listed ones table by table.
        await using var full = await SqliteStore.OpenAsync(_folder.NewFile("full"), 3);
        await using var small = await SqliteStore.OpenAsync(_folder.NewFile("small"), 3);
        var pool = new MemoryPool();
        await using var fullSynclet = new Synclet(full.Data, full.Meta, pool.CreateTransport(), new SyncletOptions { Id = "full", MaxNodesPerMessage = 7 });
        await using var smallSynclet = new Synclet(small.Data, small.Meta, pool.CreateTransport(), new SyncletOptions { Id = "small", MaxNodesPerMessage = 7 });
        await smallSynclet.SetAtomAsync(["t1", "r0", "c0"], "older, overwritten");
        for (var table = 0; table < 3; table++)
        {
            for (var row = 0; row < 4; row++)
            {
                for (var cell = 0; cell < 5; cell++)
                {
                    await fullSynclet.SetAtomAsync([$"t{table}", $"r{row}", $"c{cell}"], $"t{table} r{row} c{cell}");
                }
            }
        }

        await smallSynclet.SetAtomAsync(["t1", "r1", "c1"], "newer, kept");
        await smallSynclet.SetAtomAsync(["t9", "r0", "c0"], "only the small peer has this table");
        await smallSynclet.StartAsync();
        await fullSynclet.StartAsync();
        await Quiescence.WaitAsync(fullSynclet, smallSynclet, pool);

        Assert.Equal((await fullSynclet.GetDataAsync()).ToJsonString(), (await smallSynclet.GetDataAsync()).ToJsonString());
        Assert.Equal((await fullSynclet.GetMetaAsync()).ToJsonString(), (await smallSynclet.GetMetaAsync()).ToJsonString());
        Assert.Equal("t1 r0 c0", (await smallSynclet.GetAtomAsync(["t1", "r0", "c0"])).AsString());
        Assert.Equal("newer, kept", (await fullSynclet.GetAtomAsync(["t1", "r1", "c1"])).AsString());
        Assert.Equal("only the small peer has this table", (await fullSynclet.GetAtomAsync(["t9", "r0", "c0"])).AsString());
        Assert.True(fullSynclet.Statistics.MessagesSent >= 40 / 7, $"{fullSynclet.Statistics.MessagesSent} messages sent"); // Tables t0 and t2 alone are 40 atoms.
    }

    [Fact]
    public async Task Text_with_half_a_surrogate_pair_is_kept_exactly_in_atoms_and_refused_in_ids()
    {
        // Atoms are stored as JSON text, where half a pair is an escape; ids also fill TEXT columns (UTF-8), which cannot keep it.
        var path = _folder.NewFile("lone");
        await using (var store = await SqliteStore.OpenAsync(path, 2))
        {
            await using var synclet = new Synclet(store.Data, store.Meta);
            await synclet.SetAtomAsync(["r", "c"], "cut \uD83D");
            var error = await Assert.ThrowsAsync<SqliteStoreException>(() => synclet.SetAtomAsync(["r\uDC00", "c"], "x"));
            Assert.Contains("half of a UTF-16 surrogate pair", error.Message, StringComparison.Ordinal);
        }

        await using var reopened = await SqliteStore.OpenAsync(path, 2);
        await using var again = new Synclet(reopened.Data, reopened.Meta);
        Assert.Equal("cut \uD83D", (await again.GetAtomAsync(["r", "c"])).AsString());
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        Assert.Equal("\"cut \\ud83d\"", await connection.QuerySingleAsync<string>("SELECT atom FROM data"));
    }

    [Fact]
    public async Task A_database_in_the_reference_layout_is_read_and_synced()
    {
        var path = _folder.NewFile("reference");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            // The layout of the JavaScript reference's SQLite connector, written by hand (the
            // JavaScript interop tests write it with the reference itself): leaves as JSON text.
            await connection.ExecuteAsync("""
                CREATE TABLE data (address TEXT PRIMARY KEY, atom TEXT, address1 TEXT, address2 TEXT);
                CREATE TABLE meta (address TEXT PRIMARY KEY, timestamp TEXT, address1 TEXT, address2 TEXT);
                INSERT INTO data VALUES ('["r1","title"]', '"Buy milk"', 'r1', 'title');
                INSERT INTO data VALUES ('["r1","done"]', 'false', 'r1', 'done');
                INSERT INTO data VALUES ('["r2","count"]', '1.5', 'r2', 'count');
                INSERT INTO meta VALUES ('["r1","title"]', '"OhqqeV-----BT7zq"', 'r1', 'title');
                INSERT INTO meta VALUES ('["r1","done"]', '"OhqqeV----0BT7zq"', 'r1', 'done');
                INSERT INTO meta VALUES ('["r2","count"]', '"OhqqeV----1BT7zq"', 'r2', 'count');
                INSERT INTO meta VALUES ('["r2","gone"]', '"OhqqeV----2BT7zq"', 'r2', 'gone');
                """);
        }

        await using var store = await SqliteStore.OpenAsync(path, 2);
        var pool = new MemoryPool();
        await using var sqlite = new Synclet(store.Data, store.Meta, pool.CreateTransport(), new SyncletOptions { Id = "sqlite" });
        await using var memory = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "memory" });
        Assert.Equal("""{"r1":{"done":false,"title":"Buy milk"},"r2":{"count":1.5}}""", (await sqlite.GetDataAsync()).ToJsonString());
        Assert.Equal("OhqqeV-----BT7zq", await sqlite.GetTimestampAsync(["r1", "title"]));
        Assert.Equal(ReferenceHash, await sqlite.GetHashAsync([]));

        await sqlite.StartAsync();
        await memory.StartAsync();
        await Quiescence.WaitAsync(sqlite, memory, pool);
        Assert.Equal((await sqlite.GetDataAsync()).ToJsonString(), (await memory.GetDataAsync()).ToJsonString());
        Assert.Equal((await sqlite.GetMetaAsync()).ToJsonString(), (await memory.GetMetaAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_file_of_the_earlier_layout_with_bare_timestamps_is_converted_on_open()
    {
        var path = _folder.NewFile("layout01");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // What version 0.1 of this library wrote: bare timestamps, its hash table, no triggers.
            await connection.ExecuteAsync("""
                CREATE TABLE data (address TEXT PRIMARY KEY, atom TEXT, address1 TEXT, address2 TEXT) WITHOUT ROWID;
                CREATE TABLE meta (address TEXT PRIMARY KEY, timestamp TEXT, address1 TEXT, address2 TEXT) WITHOUT ROWID;
                CREATE TABLE meta_hashes (parent TEXT PRIMARY KEY, hash INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO data VALUES ('["r1","title"]', '"Buy milk"', 'r1', 'title');
                INSERT INTO data VALUES ('["r1","done"]', 'false', 'r1', 'done');
                INSERT INTO data VALUES ('["r2","count"]', '1.5', 'r2', 'count');
                INSERT INTO meta VALUES ('["r1","title"]', 'OhqqeV-----BT7zq', 'r1', 'title');
                INSERT INTO meta VALUES ('["r1","done"]', 'OhqqeV----0BT7zq', 'r1', 'done');
                INSERT INTO meta VALUES ('["r2","count"]', 'OhqqeV----1BT7zq', 'r2', 'count');
                INSERT INTO meta VALUES ('["r2","gone"]', 'OhqqeV----2BT7zq', 'r2', 'gone');
                INSERT INTO meta_hashes VALUES ('[]', 12345);
                """);
        }

        await using (var store = await SqliteStore.OpenAsync(path, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            Assert.Equal("OhqqeV-----BT7zq", await synclet.GetTimestampAsync(["r1", "title"]));
            Assert.Equal(ReferenceHash, await synclet.GetHashAsync([]));
        }

        await using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        Assert.All(await check.QueryAsync<string>("SELECT timestamp FROM meta"), timestamp => Assert.Matches("^\"[-0-9A-Za-z_]{16}\"$", timestamp));
    }

    [Fact]
    public async Task Another_program_writing_the_meta_table_while_the_store_is_open_moves_its_hashes()
    {
        var path = _folder.NewFile("shared");
        await using var store = await SqliteStore.OpenAsync(path, 2);
        await using var synclet = new Synclet(store.Data, store.Meta);
        await synclet.SetAtomAsync(["r1", "title"], "ours");
        var before = await synclet.GetHashAsync([]);

        // The sqlite3 shell, or a JavaScript app, writes a row in the reference's layout, naming
        // its columns as the reference does (the meta table has our change log's column too).
        var epoch = store.Meta.Epoch;
        await using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await other.ExecuteAsync("""
                INSERT INTO data (address, atom, address1, address2) VALUES ('["r2","title"]', '"theirs"', 'r2', 'title');
                INSERT INTO meta (address, timestamp, address1, address2) VALUES ('["r2","title"]', '"OhqqeV-----BT7zq"', 'r2', 'title');
                """);
        }

        var expected = before ^ Fnv1a.Hash("OhqqeV-----BT7zq");
        Assert.Equal(expected, await synclet.GetHashAsync([]));
        Assert.Equal(Fnv1a.Hash("OhqqeV-----BT7zq"), await synclet.GetHashAsync(["r2"]));

        // And our next write builds on the rebuilt hashes, not on the stale ones.
        var timestamp = await synclet.SetAtomAsync(["r3", "title"], "ours again");
        Assert.Equal(expected ^ Fnv1a.Hash(timestamp), await synclet.GetHashAsync([]));

        // Peers' checkpoints of our change log do not vouch for what the other program wrote:
        // the log starts a new epoch, and the row it added is in it.
        Assert.NotEqual(epoch, store.Meta.Epoch);
        var changes = new List<LoggedAtom>();
        await foreach (var atom in store.Meta.ReadChangesAsync(0, store.Data))
        {
            changes.Add(atom);
        }

        Assert.Contains(changes, atom => atom.Address.SequenceEqual(["r2", "title"]) && atom.Atom.AsString() == "theirs");
    }

    [Fact]
    public async Task Another_program_writing_the_file_while_no_store_has_it_open_is_seen_on_open()
    {
        var path = _folder.NewFile("closed");
        uint before;
        await using (var store = await SqliteStore.OpenAsync(path, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomAsync(["r1", "title"], "ours");
            before = await synclet.GetHashAsync([]);
        }

        await using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await other.ExecuteAsync("""UPDATE meta SET timestamp = '"OhqqeV-----BT7zq"'; UPDATE data SET atom = '"theirs"';""");
        }

        await using var reopened = await SqliteStore.OpenAsync(path, 2);
        await using var again = new Synclet(reopened.Data, reopened.Meta);
        Assert.NotEqual(before, await again.GetHashAsync([]));
        Assert.Equal(Fnv1a.Hash("OhqqeV-----BT7zq"), await again.GetHashAsync([]));
    }

    [Fact]
    public async Task A_store_opened_read_only_changes_nothing_in_the_file()
    {
        var path = _folder.NewFile("untouched");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // A JavaScript app's file: its tables only, the default rollback journal.
            await connection.ExecuteAsync("""
                CREATE TABLE data (address TEXT PRIMARY KEY, atom TEXT, address1 TEXT, address2 TEXT);
                CREATE TABLE meta (address TEXT PRIMARY KEY, timestamp TEXT, address1 TEXT, address2 TEXT);
                INSERT INTO data VALUES ('["r1","title"]', '"Buy milk"', 'r1', 'title');
                INSERT INTO meta VALUES ('["r1","title"]', '"OhqqeV-----BT7zq"', 'r1', 'title');
                """);
        }

        var bytes = await File.ReadAllBytesAsync(path);
        await using (var store = await SqliteStore.OpenAsync(path, 2, new SqliteStoreOptions { ReadOnly = true }))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            Assert.Equal("""{"r1":{"title":"Buy milk"}}""", (await synclet.GetDataAsync()).ToJsonString());
            Assert.Equal(Fnv1a.Hash("OhqqeV-----BT7zq"), await synclet.GetHashAsync([]));
            Assert.Equal(Fnv1a.Hash("OhqqeV-----BT7zq"), await synclet.GetHashAsync(["r1"]));
        }

        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + "-wal"));
    }

    private static readonly uint ReferenceHash = new[] { "OhqqeV-----BT7zq", "OhqqeV----0BT7zq", "OhqqeV----1BT7zq", "OhqqeV----2BT7zq" }.Aggregate(0u, (hash, t) => hash ^ Fnv1a.Hash(t));

    [Fact]
    public async Task What_we_write_is_in_the_reference_layout()
    {
        var path = _folder.NewFile();
        await using (var store = await SqliteStore.OpenAsync(path, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomAsync(["r1", "title"], "Buy \"milk\"");
        }

        await using var connection = new SqliteConnection($"Data Source={path}");
        var row = await connection.QuerySingleAsync<(string Address, string Atom, string Address1, string Address2)>("SELECT address, atom, address1, address2 FROM data");
        Assert.Equal(("[\"r1\",\"title\"]", "\"Buy \\\"milk\\\"\"", "r1", "title"), row);
        var timestamp = await connection.QuerySingleAsync<string>("SELECT timestamp FROM meta");
        Assert.Matches("^\"[-0-9A-Za-z_]{16}\"$", timestamp); // JSON text, quotes included, as the reference's connectors keep it.
    }

    [Fact]
    public async Task A_table_of_the_wrong_shape_is_refused_with_the_columns_it_needs()
    {
        var path = _folder.NewFile();
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.ExecuteAsync("CREATE TABLE data (id TEXT PRIMARY KEY, value TEXT)");
        }

        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => SqliteStore.OpenAsync(path, 2));
        Assert.Contains("Table 'data' does not have the shape of a depth-2 tree: it needs the columns address, atom, address1, address2, and lacks address, atom, address1, address2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_of_another_depth_is_refused()
    {
        var path = _folder.NewFile();
        await (await SqliteStore.OpenAsync(path, 3)).DisposeAsync();
        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => SqliteStore.OpenAsync(path, 2));
        Assert.Contains("it also has address3, so it stores a deeper tree", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_batch_keeps_neither_atoms_nor_timestamps()
    {
        await using var store = await SqliteStore.OpenAsync(_folder.NewFile(), 2);
        await using var synclet = new Synclet(store.Data, store.Meta, new SyncletOptions { Hooks = new FailOnSecondWrite() });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            synclet.SetAtomsAsync(["r1"], [KeyValuePair.Create("a", (Atom)"1"), KeyValuePair.Create("b", (Atom)"2")]));

        Assert.Equal("second write fails", error.Message);
        Assert.Equal("{}", (await synclet.GetDataAsync()).ToJsonString());
        Assert.Equal("{}", (await synclet.GetMetaAsync()).ToJsonString());
        Assert.Equal(0u, await synclet.GetHashAsync([]));
    }

    [Fact]
    public async Task A_process_killed_mid_batch_leaves_data_and_meta_consistent_and_a_resync_converges()
    {
        var path = _folder.NewFile("crash");
        var helper = Path.Combine(AppContext.BaseDirectory.Replace("Synclets.Sqlite.Tests", "Synclets.Sqlite.CrashHelper", StringComparison.Ordinal), "Synclets.Sqlite.CrashHelper.dll");
        Assert.True(File.Exists(helper), $"the crash helper is not built at {helper}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(helper);
        start.ArgumentList.Add(path);
        using (var process = Process.Start(start)!)
        {
            // Wait for a signal (three commits), then kill it while it writes the next batch.
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null && line != "committed 3")
            {
            }

            Assert.Equal("committed 3", line);
            process.Kill(); // SIGKILL on Linux: no chance to clean up.
            await process.WaitForExitAsync();
        }

        await using var store = await SqliteStore.OpenAsync(path, 2);
        await using var connection = new SqliteConnection($"Data Source={path}");
        var data = await connection.QueryAsync<string>("SELECT address FROM data ORDER BY address");
        var meta = await connection.QueryAsync<string>("SELECT address FROM meta ORDER BY address");
        Assert.Equal(data, meta);
        Assert.True(data.Count() >= 3000 && data.Count() % 1000 == 0, $"{data.Count()} atoms: a batch was half kept");
        var timestamps = await connection.QueryAsync<string>("SELECT timestamp FROM meta");
        await using var recovered = new Synclet(store.Data, store.Meta, new MemoryPool().CreateTransport());
        Assert.Equal(timestamps.Aggregate(0u, (hash, t) => hash ^ Fnv1a.Hash(t.Trim('"'))), await recovered.GetHashAsync([]));

        var pool = new MemoryPool();
        await using var reopened = new Synclet(store.Data, store.Meta, pool.CreateTransport(), new SyncletOptions { Id = "reopened" });
        await using var peer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await reopened.StartAsync();
        await peer.StartAsync();
        await Quiescence.WaitAsync(reopened, peer, pool);
        Assert.Equal(await reopened.GetHashAsync([]), await peer.GetHashAsync([]));
    }

    [Fact]
    public async Task A_locked_database_gives_a_clear_error_and_loses_nothing()
    {
        var path = _folder.NewFile();
        await using var store = await SqliteStore.OpenAsync(path, 1, new SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(50) });
        await using var synclet = new Synclet(store.Data, store.Meta);
        await synclet.SetAtomAsync(["kept"], "yes");

        await using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await other.OpenAsync();
            await using var exclusive = (SqliteTransaction)await other.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
            await other.ExecuteAsync("INSERT INTO data (address, atom, address1) VALUES ('[\"x\"]', '1', 'x')", transaction: exclusive);
            var error = await Assert.ThrowsAsync<SqliteStoreException>(() => synclet.SetAtomAsync(["blocked"], "no"));
            Assert.Contains("locked", error.Message, StringComparison.Ordinal);
            await exclusive.RollbackAsync();
        }

        Assert.Equal("""{"kept":"yes"}""", (await synclet.GetDataAsync()).ToJsonString());
        await synclet.SetAtomAsync(["after"], "works");
        Assert.Equal("""{"after":"works","kept":"yes"}""", (await synclet.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_read_only_database_gives_a_clear_error()
    {
        var path = _folder.NewFile();
        await (await SqliteStore.OpenAsync(path, 1)).DisposeAsync();
        await using var store = await SqliteStore.OpenAsync($"Data Source={path};Mode=ReadOnly;Pooling=False", 1);
        await using var synclet = new Synclet(store.Data, store.Meta);
        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => synclet.SetAtomAsync(["k"], "v"));
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_disk_gives_a_clear_error_and_keeps_what_was_committed()
    {
        var path = _folder.NewFile();
        await using var store = await SqliteStore.OpenAsync(path, 2);
        await using var synclet = new Synclet(store.Data, store.Meta);
        await synclet.SetAtomAsync(["r", "kept"], "yes");
        var before = await synclet.GetHashAsync([]);

        // Simulate a full disk: the database may not grow past its current size.
        var pages = await store.Connection.ExecuteScalarAsync<long>("PRAGMA page_count");
        await store.Connection.ExecuteAsync($"PRAGMA max_page_count = {pages}");
        var big = new string('x', 100_000);
        var error = await Record.ExceptionAsync(() =>
            synclet.SetAtomsAsync(["r"], Enumerable.Range(0, 50).Select(i => KeyValuePair.Create($"c{i}", (Atom)big))));

        var storeError = Assert.IsType<SqliteStoreException>(error);
        Assert.Contains("disk is full", storeError.Message, StringComparison.Ordinal);
        Assert.Equal("""{"r":{"kept":"yes"}}""", (await synclet.GetDataAsync()).ToJsonString());
        Assert.Equal(before, await synclet.GetHashAsync([]));
    }

    [Fact]
    public async Task A_corrupt_row_is_reported_with_its_address()
    {
        var path = _folder.NewFile();
        await using var store = await SqliteStore.OpenAsync(path, 1);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.ExecuteAsync("INSERT INTO data VALUES ('[\"bad\"]', 'not json', 'bad')");
        }

        await using var synclet = new Synclet(store.Data, store.Meta);
        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => synclet.GetDataAsync());
        Assert.Contains("The atom stored at [\"bad\"] is corrupt", error.Message, StringComparison.Ordinal);
    }

    private sealed class FailOnSecondWrite : SyncletHooks
    {
        private int _writes;

        public override void OnSetAtom(IReadOnlyList<string> address, Atom atom)
        {
            if (++_writes == 2)
            {
                throw new InvalidOperationException("second write fails");
            }
        }
    }
}
