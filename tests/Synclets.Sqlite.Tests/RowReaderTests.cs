using Synclets.Connectors;

namespace Synclets.Sqlite.Tests;

/// <summary>
/// <see cref="IRowReader"/> in every store that has it (memory, generic SQLite, typed SQLite), and
/// the engine's use of it: a typed table lists and bulk-upserts in one query, whatever order the
/// database reads rows in.
/// </summary>
public sealed class RowReaderTests : IAsyncDisposable
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
    public async Task Every_row_holding_an_atom_is_read_once_with_its_atoms_and_named_rows_alone_when_named(string kind)
    {
        var (data, meta) = await OpenAsync(kind);
        await using var synclet = new Synclet(data, meta);
        await synclet.SetAtomsAsync(["a"], [KeyValuePair.Create("Name", Atom.FromString("one")), KeyValuePair.Create("Count", Atom.FromNumber(1))]);
        await synclet.SetAtomsAsync(["b"], [KeyValuePair.Create("Name", Atom.FromString("two")), KeyValuePair.Create("Count", Atom.FromNumber(2))]);
        await synclet.SetAtomsAsync(["c"], [KeyValuePair.Create("Name", Atom.FromString("gone"))]);
        await synclet.DeleteAtomAsync(["c", "Name"]); // Every atom deleted: the row is left out.
        await synclet.DeleteAtomAsync(["b", "Count"]); // One deleted: the row keeps the other.

        var reader = (IRowReader)data;
        var all = await ReadAsync(reader, rowIds: null);
        Assert.Equal(["a", "b"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Dictionary<string, Atom> { ["Name"] = Atom.FromString("one"), ["Count"] = Atom.FromNumber(1) }, all["a"]);
        Assert.Equal(new Dictionary<string, Atom> { ["Name"] = Atom.FromString("two") }, all["b"]);

        var named = await ReadAsync(reader, ["b", "c", "missing"]);
        Assert.Equal(["b"], named.Keys);

        var many = Enumerable.Range(0, 40).Select(i => $"r{i}").Append("a").ToList(); // More than a few: one query.
        Assert.Equal(["a"], (await ReadAsync(reader, many)).Keys);
    }

    [Fact]
    public async Task A_typed_table_lists_rows_in_ordinal_order_even_where_sqlite_orders_them_otherwise()
    {
        // UTF-16 puts a surrogate pair (U+1F600) before U+FF61; SQLite's UTF-8 order puts it after.
        var (data, meta) = await OpenAsync("typed");
        await using var synclet = new Synclet(data, meta);
        var items = Item.CreateStore(synclet);
        await items.UpsertManyAsync([new Item("\uFF61", "halfwidth", false, 1, 0), new Item("\U0001F600", "smile", false, 2, 0), new Item("a", "a", false, 3, 0)]);

        Assert.Equal(["a", "\U0001F600", "\uFF61"], (await items.ListAsync()).Select(item => item.Id));
        Assert.Equal(["a", "\U0001F600", "\uFF61"], (await synclet.GetRowsAsync([])).Select(row => row.Key));
    }

    [Fact]
    public async Task A_bulk_upsert_reads_the_stored_rows_in_one_call_and_a_list_in_another()
    {
        var counting = new CountingRowReader(new MemoryDataConnector(2));
        await using var synclet = new Synclet(counting, new MemoryMetaConnector(2));
        var items = Item.CreateStore(synclet);
        await items.UpsertManyAsync(Enumerable.Range(0, 100).Select(i => new Item($"i{i}", "x", false, i, 0)));
        Assert.Equal(1, counting.RowReads);

        Assert.Equal(1, await items.UpsertManyAsync(Enumerable.Range(0, 100).Select(i => new Item($"i{i}", i == 7 ? "seven" : "x", false, i, 0))));
        Assert.Equal(100, (await items.ListAsync()).Count);
        Assert.Equal(3, counting.RowReads);
        Assert.Equal(0, counting.BulkReads); // Not one read a row.
    }

    [Fact]
    public async Task A_change_that_throws_half_way_through_a_typed_read_leaves_the_store_working()
    {
        var (data, meta) = await OpenAsync("typed");
        await using var synclet = new Synclet(data, meta);
        var items = Item.CreateStore(synclet);
        await items.UpsertManyAsync(Enumerable.Range(0, 40).Select(i => new Item($"i{i}", "x", false, i, 0)));

        await Assert.ThrowsAsync<InvalidOperationException>(() => synclet.UpdateRowsAsync([], Enumerable.Range(0, 40).Select(i => $"i{i}"), (_, _, _) => throw new InvalidOperationException("no")));

        Assert.Equal(40, (await items.ListAsync()).Count);
        Assert.Equal(1, await items.UpsertAsync(new Item("i3", "changed", false, 3, 0)));
        Assert.Equal("changed", (await items.GetAsync("i3"))!.Name);
    }

    private static async Task<Dictionary<string, Dictionary<string, Atom>>> ReadAsync(IRowReader reader, IReadOnlyCollection<string>? rowIds)
    {
        var rows = new Dictionary<string, Dictionary<string, Atom>>(StringComparer.Ordinal);
        await reader.ReadRowsAsync([], rowIds, (rowId, cells) => rows.Add(rowId, new Dictionary<string, Atom>(cells, StringComparer.Ordinal)));
        return rows;
    }

    private async Task<(IDataConnector Data, IMetaConnector Meta)> OpenAsync(string kind)
    {
        switch (kind)
        {
            case "memory":
                return (new MemoryDataConnector(2), new MemoryMetaConnector(2));
            case "sqlite":
                var generic = await SqliteStore.OpenAsync(_folder.NewFile("generic"), depth: 2);
                _stores.Add(generic);
                return (generic.Data, generic.Meta);
            default:
                var typed = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("typed"));
                _stores.Add(typed);
                return (typed, typed);
        }
    }

    /// <summary>A memory data connector that counts how the engine reads rows.</summary>
    private sealed class CountingRowReader(MemoryDataConnector inner) : IDataConnector, IBulkDataReader, IRowReader
    {
        public int RowReads { get; private set; }

        public int BulkReads { get; private set; }

        public int Depth => inner.Depth;

        public ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => inner.GetAtomAsync(address, cancellationToken);

        public ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default) => inner.SetAtomAsync(address, atom, cancellationToken);

        public ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => inner.RemoveAtomAsync(address, cancellationToken);

        public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => inner.GetChildIdsAsync(address, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default)
        {
            BulkReads++;
            return inner.GetChildAtomsAsync(parentAddress, cancellationToken);
        }

        public ValueTask ReadRowsAsync(IReadOnlyList<string> tableAddress, IReadOnlyCollection<string>? rowIds, RowVisitor onRow, CancellationToken cancellationToken = default)
        {
            RowReads++;
            return inner.ReadRowsAsync(tableAddress, rowIds, onRow, cancellationToken);
        }
    }
}
