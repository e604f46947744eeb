using Microsoft.Extensions.Time.Testing;

namespace Synclets.Sqlite.Tests;

/// <summary>A replica restarted on its SQLite file stamps after the newest timestamp the file holds, generic or typed.</summary>
public sealed class ClockRestartTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_generic_store_restarted_with_a_corrected_clock_lets_the_new_write_win()
    {
        var path = _folder.NewFile();
        await using (var store = await SqliteStore.OpenAsync(path, 2))
        await using (var before = new Synclet(store.Data, store.Meta, new SyncletOptions { Id = "phone", TimeProvider = new FakeTimeProvider(Now.AddDays(1)) }))
        {
            await before.SetAtomAsync(["note", "text"], "a day ahead");
        }

        await using var reopened = await SqliteStore.OpenAsync(path, 2);
        await using var after = new Synclet(reopened.Data, reopened.Meta, new SyncletOptions { Id = "phone", TimeProvider = new FakeTimeProvider(Now) });
        var old = await after.GetTimestampAsync(["note", "text"]);
        Assert.True(string.CompareOrdinal(await after.SetAtomAsync(["note", "text"], "corrected"), old) > 0);
    }

    [Fact]
    public async Task A_typed_store_restarted_with_a_corrected_clock_lets_the_new_write_win()
    {
        var path = _folder.NewFile("typed");
        await using (var store = await TypedSqliteStore.OpenAsync<Item>(path))
        await using (var before = new Synclet(store, store, new SyncletOptions { Id = "phone", TimeProvider = new FakeTimeProvider(Now.AddDays(1)) }))
        {
            await before.SetAtomAsync(["i1", "Name"], "a day ahead");
            await before.SetAtomAsync(["i2", "Count"], 1);
        }

        await using var reopened = await TypedSqliteStore.OpenAsync<Item>(path);
        await using var after = new Synclet(reopened, reopened, new SyncletOptions { Id = "phone", TimeProvider = new FakeTimeProvider(Now) });
        var old = await after.GetTimestampAsync(["i2", "Count"]);
        Assert.Equal(old, await reopened.GetLatestTimestampAsync());
        Assert.True(string.CompareOrdinal(await after.SetAtomAsync(["i1", "Name"], "corrected"), old) > 0);
    }
}
