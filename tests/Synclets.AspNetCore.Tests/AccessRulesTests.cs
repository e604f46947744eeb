using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>
/// SyncletsAccessRules.OwnedRows, from each connection's claims: every path a row can take to a
/// user (the reply to a sync, a new client's initial sync, a reconnect's resync, the relay of a
/// live change) carries only that user's rows and the shared ones; another user's are refused.
/// </summary>
public sealed class AccessRulesTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private WebApplication _app = null!;
    private Uri _room = null!;

    public async Task InitializeAsync()
    {
        _app = await AuthenticatedHost.StartAsync(options =>
        {
            options.StoreFactory = (_, _, _) => ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(2), new MemoryMetaConnector(2)));
            options.AccessRules = SyncletsAccessRules.OwnedRows();
        });
        _room = AuthenticatedHost.RoomUri(_app, "lists");
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Each_user_gets_their_own_rows_and_the_shared_ones_by_relay_initial_sync_and_reconnect()
    {
        await using var ann = Client("ann-laptop", "ann");
        await using var bob = Client("bob-laptop", "bob");
        await ann.StartAsync();
        await bob.StartAsync();

        // Live: each change reaches the store, and is relayed to who may read it.
        await ann.SetAtomAsync(["ann:groceries", "milk"], "2 litres");
        await ann.SetAtomAsync(["shared:holidays", "where"], "the sea");
        await bob.SetAtomAsync(["bob:todo", "taxes"], "file them");
        await ann.WhenStoredAsync().WaitAsync(Patience);
        await bob.WhenStoredAsync().WaitAsync(Patience);
        await ann.WhenSyncedAsync().WaitAsync(Patience);
        await bob.WhenSyncedAsync().WaitAsync(Patience);
        Assert.Equal("""{"ann:groceries":{"milk":"2 litres"},"shared:holidays":{"where":"the sea"}}""", (await ann.GetDataAsync()).ToJsonString());
        Assert.Equal("""{"bob:todo":{"taxes":"file them"},"shared:holidays":{"where":"the sea"}}""", (await bob.GetDataAsync()).ToJsonString());

        // Initial sync: ann's new phone gets her rows and the shared ones, nothing of bob's.
        await using (var phone = Client("ann-phone", "ann"))
        {
            await phone.StartAsync();
            await phone.WhenSyncedAsync().WaitAsync(Patience);
            Assert.Equal((await ann.GetDataAsync()).ToJsonString(), (await phone.GetDataAsync()).ToJsonString());
        }

        // Reconnect: while bob is away ann writes hers and a shared row; back, he resyncs the shared one only.
        await bob.StopAsync();
        await ann.SetAtomAsync(["ann:diary", "monday"], "private");
        await ann.SetAtomAsync(["shared:holidays", "when"], "August");
        await ann.WhenStoredAsync().WaitAsync(Patience);
        await bob.StartAsync();
        await bob.WhenSyncedAsync().WaitAsync(Patience);
        Assert.Equal("""{"bob:todo":{"taxes":"file them"},"shared:holidays":{"when":"August","where":"the sea"}}""", (await bob.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_write_to_another_users_row_or_to_a_row_of_no_one_is_refused_and_its_writer_told()
    {
        await using var ann = Client("ann-laptop", "ann");
        await using var bob = Client("bob-laptop", "bob");
        await ann.StartAsync();
        await bob.StartAsync();
        await ann.SetAtomAsync(["ann:groceries", "milk"], "2 litres");
        await ann.WhenStoredAsync().WaitAsync(Patience);

        await bob.SetAtomAsync(["ann:groceries", "milk"], "none");
        await bob.SetAtomAsync(["nobody", "x"], "mine now");
        var refused = await Assert.ThrowsAsync<WritesRefusedException>(() => bob.WhenStoredAsync().WaitAsync(Patience));
        Assert.Equal(2, refused.Refused.Count);

        var store = _app.Services.GetRequiredService<SyncletsBroker>().GetRoomStore("lists")!;
        Assert.Equal("""{"ann:groceries":{"milk":"2 litres"}}""", (await store.GetDataAsync()).ToJsonString());
        await ann.WhenSyncedAsync().WaitAsync(Patience);
        Assert.Equal("2 litres", (await ann.GetAtomAsync(["ann:groceries", "milk"])).AsString());
    }

    private Synclet Client(string id, string user) =>
        new(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(_room, new WebSocketTransportOptions
        {
            ConfigureSocket = socket => socket.SetRequestHeader("X-User", user),
        }), new SyncletOptions { Id = id });
}
