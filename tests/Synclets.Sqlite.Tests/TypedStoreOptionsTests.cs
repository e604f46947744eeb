using Dapper;
using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite.Tests;

/// <summary>The typed store opens as the generic one does, from the same options, with the same unit of work and errors.</summary>
public sealed class TypedStoreOptionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Options_set_the_typed_stores_durability_and_busy_timeout()
    {
        await using var store = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile(), new SqliteStoreOptions { Synchronous = "FULL", BusyTimeout = TimeSpan.FromMilliseconds(250) });
        Assert.Equal(2L, await store.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous")); // FULL
        Assert.Equal(250L, await store.Connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
        Assert.Equal("wal", await store.Connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));

        await using var defaults = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile());
        Assert.Equal(1L, await defaults.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous")); // NORMAL
        Assert.Equal(5000L, await defaults.Connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
    }

    [Fact]
    public async Task A_connection_string_opens_a_typed_store_and_read_only_is_refused_with_why()
    {
        var path = _folder.NewFile();
        await using (var store = await TypedSqliteStore.OpenAsync<Item>($"Data Source={path};Pooling=False", SqliteStoreOptions.Default))
        {
            await Item.CreateStore(new Synclet(store, store)).UpsertAsync(new Item("a", "one", false, 1, 0));
        }

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => TypedSqliteStore.OpenAsync<Item>(path, new SqliteStoreOptions { ReadOnly = true }));
        Assert.Contains("synclets inspect", refused.Message, StringComparison.Ordinal);
        var readOnly = await Assert.ThrowsAsync<SqliteStoreException>(() => TypedSqliteStore.OpenAsync<Item>($"Data Source={path};Mode=ReadOnly;Pooling=False", SqliteStoreOptions.Default));
        Assert.Contains("read-only", readOnly.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_locked_typed_store_gives_a_clear_error_and_loses_nothing()
    {
        var path = _folder.NewFile();
        await using var store = await TypedSqliteStore.OpenAsync<Item>(path, new SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(50) });
        await using var synclet = new Synclet(store, store);
        var items = Item.CreateStore(synclet);
        await items.UpsertAsync(new Item("kept", "yes", false, 1, 0));

        await using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await other.OpenAsync();
            await using var exclusive = (SqliteTransaction)await other.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
            await other.ExecuteAsync("UPDATE \"Item\" SET \"Count\" = 2", transaction: exclusive);
            var error = await Assert.ThrowsAsync<SqliteStoreException>(() => items.UpsertAsync(new Item("blocked", "no", false, 1, 0)));
            Assert.Contains("locked", error.Message, StringComparison.Ordinal);
            await exclusive.RollbackAsync();
        }

        Assert.Equal(["kept"], (await items.ListAsync()).Select(item => item.Id));
        await items.UpsertAsync(new Item("after", "works", false, 1, 0));
        Assert.Equal(["after", "kept"], (await items.ListAsync()).Select(item => item.Id));
    }
}
