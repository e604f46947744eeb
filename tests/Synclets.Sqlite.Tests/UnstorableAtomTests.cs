using Synclets.Connectors;
using Synclets.Tests.Support;

namespace Synclets.Sqlite.Tests;

/// <summary>An atom a SQLite store cannot keep is refused on its own, with one warning; the rest of its message is stored.</summary>
public sealed class UnstorableAtomTests : IDisposable
{
    private const string Valid = "[\"OhqqeV-----BT7zq\",\"A\"]";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_row_id_holding_half_a_surrogate_pair_is_refused_and_its_100_siblings_are_stored()
    {
        await using var store = await SqliteStore.OpenAsync(_folder.NewFile(), 2);
        await AssertKeepsSiblingsAsync(store.Data, store.Meta, "c", Valid);
    }

    [Fact]
    public async Task A_typed_store_refuses_a_bad_row_id_or_a_cell_of_the_wrong_kind_and_stores_the_rest()
    {
        await using var store = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("typed"));
        await AssertKeepsSiblingsAsync(store, store, "Name", Valid, wrongKindCell: "\"Done\":[\"OhqqeV-----BT7zq\",\"not a boolean\"]");
    }

    private static async Task AssertKeepsSiblingsAsync(IDataConnector data, IMetaConnector meta, string column, string cell, string? wrongKindCell = null)
    {
        var logs = new TestLoggerFactory();
        var transport = new ScriptedTransport();
        await using var synclet = new Synclet(data, meta, transport, new SyncletOptions { Id = "me", LoggerFactory = logs });
        await synclet.StartAsync();
        var rows = string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"row{i}\":[{{\"{column}\":{cell}}}]"));
        var extra = wrongKindCell is null ? string.Empty : $",\"row100\":[{{{wrongKindCell}}}]";
        transport.InjectMessage("peer", $"[1,0,2,[],[{{{rows},\"\\ud800\":[{{\"{column}\":{cell}}}]{extra}}}],{{}}]");
        await synclet.WhenIdleAsync();

        Assert.Equal(100, (await synclet.GetChildIdsAsync([])).Count);
        var warning = Assert.Single(logs.Warnings);
        Assert.Contains($"refused {(wrongKindCell is null ? 1 : 2)} atom(s) from peer that its storage cannot keep", warning, StringComparison.Ordinal);
        Assert.Contains("surrogate pair", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }
}
