using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>An endpoint that requires a user; a room where readers may read but not write, and whose hooks know who wrote.</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _room = null!;

    public async Task InitializeAsync()
    {
        _app = await AuthenticatedHost.StartAsync(options =>
        {
            options.StoreFactory = (_, _, _) => ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(1), new MemoryMetaConnector(1)));
            options.IsReadOnly = context => context.User.IsInRole("reader");
            options.HooksFactory = (room, services) => new NotesOfTheirOwn(services.GetRequiredService<SyncletsBroker>(), room);
        });
        _room = AuthenticatedHost.RoomUri(_app, "shared");
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_client_without_a_user_may_not_join()
    {
        await using var stranger = Client("stranger", user: null, role: null);
        var error = await Assert.ThrowsAsync<WebSocketException>(() => stranger.StartAsync());
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_reads_everything_but_its_writes_reach_no_one()
    {
        await using var writer = Client("writer", "ann", "writer");
        await using var reader = Client("reader", "bob", "reader");
        await writer.StartAsync();
        await reader.StartAsync();
        var broker = _app.Services.GetRequiredService<SyncletsBroker>();
        var store = broker.GetRoomStore("shared")!;

        var readerGotIt = Arrival(reader);
        await writer.SetAtomAsync(["title"], "from the writer");
        await readerGotIt.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("""{"title":"from the writer"}""", (await reader.GetDataAsync()).ToJsonString());

        // The reader's own change goes to the store only, which refuses it; a later sync shows nothing moved.
        await reader.SetAtomAsync(["title"], "from the reader");
        await reader.SyncAsync([]);
        var writerSynced = Arrival(writer);
        var readerGotTheFlush = Arrival(reader); // Subscribed before the write: the relay can be faster than this line.
        await writer.SetAtomAsync(["other"], "flush");
        await readerGotTheFlush.WaitAsync(TimeSpan.FromSeconds(30));
        await writerSynced.WaitAsync(TimeSpan.FromSeconds(30));
        await store.WhenIdleAsync();

        Assert.Equal("""{"other":"flush","title":"from the writer"}""", (await store.GetDataAsync()).ToJsonString());
        Assert.Equal("""{"other":"flush","title":"from the writer"}""", (await writer.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task The_room_hooks_see_the_authenticated_user_of_the_connection_a_change_came_from()
    {
        await using var ann = Client("ann-laptop", "ann", "writer");
        await ann.StartAsync();
        var store = _app.Services.GetRequiredService<SyncletsBroker>().GetRoomStore("shared")!;

        // Sent in this order on one connection, so the store has judged the first once the second lands.
        await ann.SetAtomAsync(["note-bob"], "written by ann");
        var landed = Arrival(store);
        await ann.SetAtomAsync(["note-ann"], "written by ann");
        await landed.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("""{"note-ann":"written by ann"}""", (await store.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_live_change_is_relayed_only_to_those_who_may_read_it()
    {
        await using var ann = Client("ann-laptop", "ann", "writer");
        await using var bob = Client("bob-laptop", "bob", "writer");
        await using var annPhone = Client("ann-phone", "ann", "writer");
        await ann.StartAsync();
        await bob.StartAsync();
        await annPhone.StartAsync();
        var bobGotTheTitle = Arrival(bob, ["title"]);
        var phoneGotTheTitle = Arrival(annPhone, ["title"]);

        // Both online: the store relays the private note to ann's phone, and not to bob.
        await ann.SetAtomAsync(["private-ann"], "ann secret");
        await ann.SetAtomAsync(["title"], "public");
        await bobGotTheTitle.WaitAsync(TimeSpan.FromSeconds(30));
        await phoneGotTheTitle.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("""{"title":"public"}""", (await bob.GetDataAsync()).ToJsonString());
        Assert.Equal("""{"private-ann":"ann secret","title":"public"}""", (await annPhone.GetDataAsync()).ToJsonString());

        // Bob never holds the store's tree (he may not read all of it), yet he is told when he is in sync with what he may read.
        await bob.WhenSyncedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(await bob.GetHashAsync([]), await _app.Services.GetRequiredService<SyncletsBroker>().GetRoomStore("shared")!.GetHashAsync([]));
    }

    private Synclet Client(string id, string? user, string? role) =>
        new(new MemoryDataConnector(1), new MemoryMetaConnector(1), new WebSocketTransport(_room, new WebSocketTransportOptions
        {
            ConfigureSocket = socket =>
            {
                if (user is not null)
                {
                    socket.SetRequestHeader("X-User", user);
                    socket.SetRequestHeader("X-Role", role);
                }
            },
        }), new SyncletOptions { Id = id });

    private static Task Arrival(Synclet synclet)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        synclet.AtomsChanged += (_, _) => arrived.TrySetResult();
        return arrived.Task;
    }

    private static Task Arrival(Synclet synclet, IReadOnlyList<string> address)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        synclet.AtomsChanged += (_, changes) =>
        {
            if (changes.Changes.Any(change => change.Address.SequenceEqual(address)))
            {
                arrived.TrySetResult();
            }
        };
        return arrived.Task;
    }

    /// <summary>Anyone may write the title; a note named after a user only that user; a private note only its user reads.</summary>
    private sealed class NotesOfTheirOwn(SyncletsBroker broker, string room) : SyncletHooks
    {
        public override ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult(!address[0].StartsWith("private-", StringComparison.Ordinal) || address[0] == "private-" + UserOf(context));

        private string? UserOf(IReadOnlyDictionary<string, Atom> context) =>
            Ids.PeerOf(context) is { } peer ? broker.GetConnection(room, peer)?.User?.Identity?.Name : null;

        public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context)
        {
            if (!address[0].StartsWith("note-", StringComparison.Ordinal))
            {
                return ValueTask.FromResult(true);
            }

            var user = Ids.PeerOf(context) is { } peer ? broker.GetConnection(room, peer)?.User?.Identity?.Name : null;
            return ValueTask.FromResult(address[0] == "note-" + user);
        }
    }
}
