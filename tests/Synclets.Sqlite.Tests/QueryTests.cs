using Microsoft.Data.Sqlite;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Sqlite.Tests;

/// <summary>A row record with an index, for the queries.</summary>
[SyncTree(depth: 2)]
[SyncIndex(nameof(Done), nameof(Priority))]
[SyncIndex(nameof(Due))]
public partial record Chore(string Id, string? Title, bool Done, int Priority, DateOnly? Due, double? Score);

/// <summary>
/// Queries on typed tables: filters, order and pages, run as SQL by the typed SQLite store and in
/// memory by every other, with the same rows in the same order; watched queries; declared indexes.
/// </summary>
public sealed class QueryTests : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<IAsyncDisposable> _stores = [];

    public static TheoryData<string> Stores() => ["memory", "sqlite", "typed"];

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Filters_order_and_a_page_select_the_same_rows_on_every_store(string kind)
    {
        await using var synclet = await OpenAsync(kind);
        var chores = Chore.CreateStore(synclet);
        await chores.UpsertManyAsync(Enumerable.Range(0, 30).Select(i => new Chore($"c{i:D2}", $"chore {i}", Done: i % 3 == 0, Priority: i % 5, Due: new DateOnly(2026, 12, 1 + (i % 7)), Score: i / 2.0)));

        var open = chores.Query()
            .Where(ChoreColumns.Done.EqualTo(false))
            .Where(ChoreColumns.Priority.GreaterThanOrEqualTo(3))
            .OrderByDescending(ChoreColumns.Priority)
            .ThenBy(ChoreColumns.Due);

        var all = await open.ToListAsync();
        Assert.Equal(["c14", "c29", "c04", "c19", "c28", "c08", "c23", "c13"], all.Select(chore => chore.Id));
        Assert.All(all, chore => Assert.True(!chore.Done && chore.Priority >= 3));
        Assert.Equal(["c04", "c19", "c28"], (await open.Skip(2).Take(3).ToListAsync()).Select(chore => chore.Id));
        Assert.Equal(["c19"], (await open.Skip(2).Take(3).Skip(1).Take(1).ToListAsync()).Select(chore => chore.Id));
        Assert.Equal("c14", (await open.FirstOrDefaultAsync())?.Id);
        Assert.Null(await chores.Query().Where(ChoreColumns.Title.EqualTo("no such chore")).FirstOrDefaultAsync());
        Assert.Equal(30, (await chores.Query().ToListAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Null_cells_and_cells_never_written_match_only_null_and_sort_first_ascending_last_descending(string kind)
    {
        await using var synclet = await OpenAsync(kind);
        var chores = Chore.CreateStore(synclet);
        await chores.UpsertManyAsync([new Chore("a", "A", false, 1, null, 2), new Chore("b", null, false, 2, null, null), new Chore("c", "C", false, 3, null, 1)]);
        await synclet.DeleteAtomAsync(["c", "Score"]); // Deleted: absent, which a query takes for null.

        Assert.Equal(["b", "c"], await IdsAsync(chores.Query().Where(ChoreColumns.Score.EqualTo(null))));
        Assert.Equal(["a"], await IdsAsync(chores.Query().Where(ChoreColumns.Score.NotEqualTo(null))));
        Assert.Equal(["a"], await IdsAsync(chores.Query().Where(ChoreColumns.Score.LessThan(100))));
        Assert.Empty(await IdsAsync(chores.Query().Where(ChoreColumns.Score.LessThan(null))));
        Assert.Equal(["b", "c", "a"], await IdsAsync(chores.Query().OrderBy(ChoreColumns.Score)));
        Assert.Equal(["a", "b", "c"], await IdsAsync(chores.Query().OrderByDescending(ChoreColumns.Score)));
        Assert.Equal(["b", "a", "c"], await IdsAsync(chores.Query().OrderBy(ChoreColumns.Title)));
    }

    [Fact]
    public async Task Memory_and_both_SQLite_layouts_agree_on_random_queries_over_random_rows()
    {
        string[] words = ["", "a", "B", "b", "ab", "\uFF61", "\U0001F600", "\u00E9"];
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var rows = Enumerable.Range(0, 60).Select(i => new Chore(
                words[random.Next(words.Length)] + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                random.Next(4) == 0 ? null : words[random.Next(words.Length)],
                random.Next(2) == 0,
                random.Next(-2, 3),
                random.Next(3) == 0 ? null : new DateOnly(2026, 1 + random.Next(3), 1),
                random.Next(3) == 0 ? null : random.Next(-3, 4) / 2.0)).ToList();
            var deleted = rows.Where(_ => random.Next(4) == 0).Select(row => row.Id).ToList();
            var query = RandomQuery(random, words);

            var answers = new List<string>();
            string? described = null;
            foreach (var kind in new[] { "memory", "sqlite", "typed" })
            {
                await using var synclet = await OpenAsync(kind);
                var chores = Chore.CreateStore(synclet);
                await chores.UpsertManyAsync(rows);
                foreach (var id in deleted)
                {
                    await synclet.DeleteAtomAsync([id, "Title"]);
                }

                described ??= query(chores.Query()).ToString();
                answers.Add($"{kind}: {string.Join(" ", await IdsAsync(query(chores.Query())))}");
            }

            Assert.True(answers.Select(answer => answer[answer.IndexOf(':', StringComparison.Ordinal)..]).Distinct().Count() == 1, $"seed {seed}, {described}:\n{string.Join("\n", answers)}");
        }
    }

    [Fact]
    public async Task A_typed_table_runs_queries_on_its_declared_indexes()
    {
        var path = _folder.NewFile("typed");
        await using (var store = await TypedSqliteStore.OpenAsync<Chore>(path))
        {
            var plan = await ExplainAsync(path, store.QuerySql(new RowQuery { Filters = [new RowFilter("Done", RowComparison.EqualTo, false), new RowFilter("Priority", RowComparison.GreaterThan, 2)] }));
            Assert.Contains("USING INDEX Chore_by_Done_Priority", plan, StringComparison.Ordinal);
            plan = await ExplainAsync(path, store.QuerySql(new RowQuery { Order = [new RowOrder("Due", Descending: false)], Take = 10 }));
            Assert.Contains("Chore_by_Due", plan, StringComparison.Ordinal);
        }

        // A record that declares no index (another Chore, same table): the store's indexes go,
        // all but the change log's on the meta table, which every typed store has.
        await using (var store = await TypedSqliteStore.OpenAsync<Unindexed.Chore>(path))
        {
            Assert.Equal(["Chore_meta_by_seq"], await IndexNamesAsync(path));
        }

        await using (var store = await TypedSqliteStore.OpenAsync<Chore>(path))
        {
            Assert.Equal(["Chore_by_Done_Priority", "Chore_by_Due", "Chore_meta_by_seq"], await IndexNamesAsync(path));
        }
    }

    [Fact]
    public async Task A_query_a_store_cannot_run_is_refused_with_what_is_wrong()
    {
        await using var store = await TypedSqliteStore.OpenAsync<Chore>(_folder.NewFile("typed"));
        await using var synclet = new Synclet(store, store);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => synclet.QueryRowsAsync([], new RowQuery { Filters = [new RowFilter("Nope", RowComparison.EqualTo, 1)] }));
        Assert.Contains("no column 'Nope'", unknown.Message, StringComparison.Ordinal);
        var wrongKind = await Assert.ThrowsAsync<ArgumentException>(() => synclet.QueryRowsAsync([], new RowQuery { Filters = [new RowFilter("Done", RowComparison.EqualTo, "yes")] }));
        Assert.Contains("'Done' of Chore holds Boolean values", wrongKind.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => synclet.QueryRowsAsync([], new RowQuery { Filters = [new RowFilter("Done", RowComparison.EqualTo, Atom.Absent)] }));
        await Assert.ThrowsAsync<ArgumentException>(() => synclet.QueryRowsAsync([], new RowQuery { Skip = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Chore.CreateStore(synclet).Query().Take(-1));
    }

    [Fact]
    public async Task A_watched_query_gives_its_rows_and_again_when_a_local_or_remote_change_changes_them()
    {
        var pool = new MemoryPool();
        await using var store = await TypedSqliteStore.OpenAsync<Chore>(_folder.NewFile("typed"));
        await using var app = new Synclet(store, store, pool.CreateTransport(), new SyncletOptions { Id = "app" });
        await using var peer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await app.StartAsync();
        await peer.StartAsync();
        var chores = Chore.CreateStore(app);
        await chores.UpsertAsync(new Chore("a", "first", false, 1, null, null));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var results = chores.Query().Where(ChoreColumns.Done.EqualTo(false)).OrderBy(ChoreColumns.Priority).WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(["a"], results.Current.Select(chore => chore.Id));

        await chores.UpsertAsync(new Chore("done", "not shown", true, 0, null, null)); // Changes the table, not the result: no new result for it.
        await chores.UpsertAsync(new Chore("b", "second", false, 0, null, null));
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(["b", "a"], results.Current.Select(chore => chore.Id));

        await Chore.CreateStore(peer).UpsertAsync(new Chore("a", "first", true, 1, null, null)); // A peer marks it done.
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(["b"], results.Current.Select(chore => chore.Id));
    }

    private static Func<SyncQuery<Chore>, SyncQuery<Chore>> RandomQuery(Random random, string[] words)
    {
        var steps = new List<Func<SyncQuery<Chore>, SyncQuery<Chore>>>();
        for (var i = random.Next(3); i > 0; i--)
        {
            var value = random.Next(4) == 0 ? null : words[random.Next(words.Length)];
            var number = random.Next(-2, 3);
            var score = random.Next(4) == 0 ? (double?)null : random.Next(-3, 4) / 2.0;
            steps.Add(random.Next(5) switch
            {
                0 => q => q.Where(ChoreColumns.Title.LessThan(value)),
                1 => q => q.Where(ChoreColumns.Title.EqualTo(value)),
                2 => q => q.Where(ChoreColumns.Priority.NotEqualTo(number)),
                3 => q => q.Where(ChoreColumns.Score.GreaterThanOrEqualTo(score)),
                _ => q => q.Where(ChoreColumns.Done.EqualTo(number > 0)),
            });
        }

        steps.Add(random.Next(5) switch
        {
            0 => q => q.OrderBy(ChoreColumns.Title),
            1 => q => q.OrderByDescending(ChoreColumns.Score).ThenBy(ChoreColumns.Title),
            2 => q => q.OrderBy(ChoreColumns.Due).ThenByDescending(ChoreColumns.Done),
            3 => q => q.OrderByDescending(ChoreColumns.Priority),
            _ => q => q,
        });
        var (skip, take) = (random.Next(3), random.Next(4) == 0 ? (int?)null : random.Next(1, 10));
        steps.Add(q => take is { } count ? q.Skip(skip).Take(count) : q.Skip(skip));
        return query => steps.Aggregate(query, (q, step) => step(q));
    }

    private static async Task<List<string>> IdsAsync(SyncQuery<Chore> query) => [.. (await query.ToListAsync()).Select(chore => chore.Id)];

    private static async Task<string> ExplainAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in new[] { "@p0", "@p1", "@take", "@skip" }.Where(sql.Contains))
        {
            explain.Parameters.AddWithValue(name, 1);
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return string.Join("\n", plan);
    }

    private static async Task<List<string>> IndexNamesAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var list = connection.CreateCommand();
        list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'Chore%' ORDER BY name";
        var names = new List<string>();
        await using var reader = await list.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task<Synclet> OpenAsync(string kind)
    {
        switch (kind)
        {
            case "memory":
                return new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2));
            case "sqlite":
                var generic = await SqliteStore.OpenAsync(_folder.NewFile("generic"), depth: 2);
                _stores.Add(generic);
                return new Synclet(generic.Data, generic.Meta);
            default:
                var typed = await TypedSqliteStore.OpenAsync<Chore>(_folder.NewFile("typed"));
                _stores.Add(typed);
                return new Synclet(typed, typed);
        }
    }
}
