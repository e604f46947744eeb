using System.Text.Json;
using System.Text.Json.Nodes;
using Synclets.Connectors;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// The real JavaScript Synclets (see <see cref="Reference"/>) against ours: the same SQLite file
/// written and read by both, and a reference client syncing through our server with a .NET client.
/// </summary>
public sealed class ReferenceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-reference-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [ReferenceFact]
    public async Task A_SQLite_file_written_by_the_reference_is_ours_to_read_and_write_and_the_other_way_round()
    {
        var path = Path.Combine(_folder, "shared.db");

        // 1. The reference writes the file: ours reads the same data, timestamps and root hash.
        var written = await RunSqliteFileAsync(path, 2, """[[["r1","title"],"Buy milk\u2028now"],[["r1","done"],false],[["r2","n"],1.5],[["r2","gone"],"x"],[["r2","gone"],null]]""");
        await using (var store = await SqliteStore.OpenAsync(path, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            AssertSameTree(written["data"]!, await synclet.GetDataAsync());
            AssertSameTree(written["meta"]!, await synclet.GetMetaAsync());
            Assert.Equal(HashOf(written["meta"]!), await synclet.GetHashAsync([]));

            // 2. Ours writes, with the store still open; then the reference writes too.
            await synclet.SetAtomAsync(["r3", "title"], "from .NET \u2029 too");
            await synclet.SetAtomAsync(["r1", "done"], true);
            var both = await RunSqliteFileAsync(path, 2, """[[["r4","title"],"from JavaScript again"]]""");
            AssertSameTree(both["data"]!, await synclet.GetDataAsync());
            AssertSameTree(both["meta"]!, await synclet.GetMetaAsync());

            // The reference's write changed the meta table under an open store: its hashes follow.
            Assert.Equal(HashOf(both["meta"]!), await synclet.GetHashAsync([]));
            Assert.Equal("from .NET \u2029 too", both["data"]!["r3"]!["title"]!.GetValue<string>());
        }

        // 3. Both sync onward to a fresh peer, which ends with what the file holds.
        var final = await RunSqliteFileAsync(path, 2, "[]");
        await using var reopened = await SqliteStore.OpenAsync(path, 2);
        var pool = new MemoryPool();
        await using var fromFile = new Synclet(reopened.Data, reopened.Meta, pool.CreateTransport(), new SyncletOptions { Id = "file" });
        await using var fresh = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "fresh" });
        await fromFile.StartAsync();
        await fresh.StartAsync();
        await fresh.WhenSyncedAsync().WaitAsync(Patience);
        AssertSameTree(final["data"]!, await fresh.GetDataAsync());
        Assert.Equal(HashOf(final["meta"]!), await fresh.GetHashAsync([]));
    }

    [ReferenceFact]
    public async Task A_reference_client_and_a_dotnet_client_sync_through_a_store_room_edge_values_intact()
    {
        await using var host = await BrokerHost.StartAsync(stores: 3, shared: false);
        var room = host.Room("edges");
        await using var javaScript = await ReferenceClient.StartAsync(room, depth: 3);

        // TinyBase values live under U+FFFA ids; line separators, integer-like keys, an empty id.
        string[][] fromJavaScript = [["\uFFFAv", "\uFFFAv", "theme"], ["t", "12", "c"], ["t", "2", "c"], ["t", "r", ""], ["t", "r", "text"]];
        javaScript.Set(fromJavaScript[0], "dark");
        javaScript.Set(fromJavaScript[1], 12);
        javaScript.Set(fromJavaScript[2], 2);
        javaScript.Set(fromJavaScript[3], "empty id");
        javaScript.Set(fromJavaScript[4], "line\u2028separators\u2029and \"quotes\" \uFFFA");

        await using var dotnet = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), new WebSocketTransport(room), new SyncletOptions { Id = "dotnet" });
        var arrived = Arrived(dotnet, fromJavaScript.Length);
        await dotnet.StartAsync();
        await arrived.WaitAsync(Patience);
        Assert.Equal("dark", (await dotnet.GetAtomAsync(fromJavaScript[0])).AsString());
        // The reference's sender loses raw line separators itself (its fragmenting regular
        // expression's '.' does not match them): what it sends, we keep.
        Assert.Equal("lineseparatorsand \"quotes\" \uFFFA", (await dotnet.GetAtomAsync(fromJavaScript[4])).AsString());

        // And back: the reference client gets .NET's values intact (it drops a message with a raw U+2028).
        await dotnet.SetAtomAsync(["t", "r", "text"], "back\u2028again");
        await dotnet.SetAtomAsync(["\uFFFAv", "\uFFFAv", "theme"], "light");
        var data = await javaScript.UntilAsync(data => data["\uFFFAv"]?["\uFFFAv"]?["theme"]?.GetValue<string>() == "light");
        Assert.Equal("back\u2028again", data["t"]!["r"]!["text"]!.GetValue<string>());
        Assert.Equal("light", data["\uFFFAv"]!["\uFFFAv"]!["theme"]!.GetValue<string>());
        Assert.Empty(javaScript.Warnings);
    }

    [ReferenceFact]
    public async Task Large_atoms_lone_surrogates_and_U_FFFC_cross_both_ways_as_the_reference_allows()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        var room = host.Room("edges-2");
        await using var javaScript = await ReferenceClient.StartAsync(room, depth: 2);
        await using var dotnet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room), new SyncletOptions { Id = "dotnet" });
        await dotnet.StartAsync();

        // A megabyte each way (fragmented by both senders), half surrogate pairs each way, and
        // U+FFFC inside a string; U+FFFC alone is the reference's deletion marker, so it arrives as one.
        var megabyte = string.Concat(Enumerable.Repeat("0123456789abcdef", 65_536));
        await javaScript.SetAsync(["js", "big"], megabyte + "js");
        await javaScript.SetTextAsync(["js", "half"], "\uD800 then \uDC00");
        await javaScript.SetAsync(["js", "fffc"], "a\uFFFCb");
        await dotnet.SetAtomAsync(["net", "marker"], "\uFFFC"); // First: what follows arrives after it.
        await dotnet.SetAtomAsync(["net", "big"], megabyte + "net \U0001F600");
        await dotnet.SetAtomAsync(["net", "half"], "\uDBFF alone");
        await dotnet.SetAtomAsync(["net", "fffc"], "a\uFFFCb");

        // System.Text.Json cannot read half a surrogate pair into a string: those cells are compared code unit by code unit.
        var want = new JsonObject
        {
            ["js"] = new JsonObject { ["big"] = megabyte + "js", ["fffc"] = "a\uFFFCb" },
            ["net"] = new JsonObject { ["big"] = megabyte + "net \U0001F600", ["fffc"] = "a\uFFFCb" },
        };
        await javaScript.UntilAsync(data => data["net"]?["big"] is not null && data["net"]?["fffc"] is not null && data["net"]?["half"] is not null).WaitAsync(Patience);
        foreach (var (row, cells) in want)
        {
            foreach (var (cell, value) in (JsonObject)cells!)
            {
                Assert.True(value!.GetValue<string>() == await javaScript.GetTextAsync([row, cell]), $"the reference holds another {row}/{cell}");
            }
        }

        Assert.Equal("\uDBFF alone", await javaScript.GetTextAsync(["net", "half"]));
        Assert.Equal("\uD800 then \uDC00", await javaScript.GetTextAsync(["js", "half"]));
        Assert.Equal(string.Empty, await javaScript.GetTextAsync(["net", "marker"])); // A deletion to the reference:
        Assert.NotNull((await javaScript.GetMetaAsync())["net"]?["marker"]); // stamped, and no value.
        await SyncletData.HoldsAsync(dotnet, async () => (await dotnet.GetAtomAsync(["js", "half"])).Kind == AtomKind.String && (await dotnet.GetAtomAsync(["js", "fffc"])).Kind == AtomKind.String, NotYet);

        Assert.Equal("\uD800 then \uDC00", (await dotnet.GetAtomAsync(["js", "half"])).AsString());
        Assert.Equal(megabyte + "js", (await dotnet.GetAtomAsync(["js", "big"])).AsString());
        Assert.Equal("a\uFFFCb", (await dotnet.GetAtomAsync(["js", "fffc"])).AsString());
        Assert.Equal("\uFFFC", (await dotnet.GetAtomAsync(["net", "marker"])).AsString()); // .NET keeps what it set.
        Assert.Empty(javaScript.Warnings);
    }

    [ReferenceFact]
    public async Task Ids_of_every_kind_cross_both_ways_and_reach_a_fresh_reference_client()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        var room = host.Room("ids");
        await using var javaScript = await ReferenceClient.StartAsync(room, depth: 2);
        await using var dotnet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room), new SyncletOptions { Id = "dotnet" });
        await dotnet.StartAsync();

        // Long ids, U+FFFC alone and inside, integer-like ids (and one with a leading zero, which is
        // not), U+FFFA; U+2028 only from .NET (the reference's sender strips raw line separators).
        // U+FFFC alone in a message's address would reach the reference as "undefined": we never
        // write it there (see MessageWriter).
        var longId = new string('i', 4_000);
        string[] fromJavaScript = [longId, "\uFFFC", "a\uFFFCb", "7", "007", "\uFFFAv"];
        string[] fromDotnet = [longId + "net", "\uFFFC", "a\u2028b", "10", "2", "\uFFFAv"];
        foreach (var id in fromJavaScript)
        {
            await javaScript.SetAsync(["js", id], $"js {id.Length}");
        }

        foreach (var id in fromDotnet)
        {
            await dotnet.SetAtomAsync(["net", id], $"net {id.Length}");
        }

        var want = new JsonObject
        {
            ["js"] = new JsonObject(fromJavaScript.Select(id => KeyValuePair.Create(id, (JsonNode?)$"js {id.Length}"))),
            ["net"] = new JsonObject(fromDotnet.Select(id => KeyValuePair.Create(id, (JsonNode?)$"net {id.Length}"))),
        };
        await javaScript.UntilAsync(data => JsonNode.DeepEquals(data, want)).WaitAsync(Patience);
        await SyncletData.UntilAsync(dotnet, want);

        // A reference client that comes later gets them all from the store room.
        await using var fresh = await ReferenceClient.StartAsync(room, depth: 2);
        await fresh.UntilAsync(data => JsonNode.DeepEquals(data, want)).WaitAsync(Patience);
        Assert.Empty(javaScript.Warnings);
        Assert.Empty(fresh.Warnings);
    }

    [ReferenceFact]
    public async Task Dotnet_clients_sync_through_the_reference_broker_and_from_its_store()
    {
        // The reference's own broker, keeping a reference synclet as the room's store.
        await using var broker = NodeScript.StartWithReference("ws-broker.mjs", "2", "store");
        var listening = await broker.NextLineAsync();
        Assert.StartsWith("listening ", listening, StringComparison.Ordinal);
        var url = new Uri($"ws://127.0.0.1:{listening["listening ".Length..]}");

        // A SQLite client writes while it is the only one there, then leaves.
        await using (var store = await SqliteStore.OpenAsync(Path.Combine(_folder, "laptop.db"), 2))
        await using (var laptop = new Synclet(store.Data, store.Meta, new WebSocketTransport(url), new SyncletOptions { Id = "laptop" }))
        {
            await laptop.SetAtomAsync(["r1", "title"], "written offline");
            await laptop.StartAsync();
            await laptop.SetAtomAsync(["r2", "title"], "written online");
            await laptop.SetAtomAsync(["r1", "gone"], "soon deleted");
            await laptop.DeleteAtomAsync(["r1", "gone"]);
            await laptop.WhenIdleAsync();

            // A second client that is online at the same time gets it live from the broker too.
            await using var phone = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(url), new SyncletOptions { Id = "phone" });
            await phone.StartAsync();
            await SyncletData.HoldsAsync(phone, async () => (await phone.GetAtomAsync(["r2", "title"])).Kind == AtomKind.String && (await phone.GetAtomAsync(["r1", "title"])).Kind == AtomKind.String, NotYet);
            Assert.Equal("written online", (await phone.GetAtomAsync(["r2", "title"])).AsString());
        }

        // A fresh client, with the laptop gone, gets everything from the reference's store.
        await using var tablet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(url), new SyncletOptions { Id = "tablet" });
        await tablet.StartAsync();
        await SyncletData.HoldsAsync(tablet, async () => (await tablet.GetAtomAsync(["r2", "title"])).Kind == AtomKind.String && (await tablet.GetAtomAsync(["r1", "title"])).Kind == AtomKind.String, NotYet);
        Assert.Equal("written offline", (await tablet.GetAtomAsync(["r1", "title"])).AsString());
        Assert.True((await tablet.GetAtomAsync(["r1", "gone"])).IsAbsent);
    }

    private static async Task<JsonNode> RunSqliteFileAsync(string path, int depth, string changes)
    {
        await using var script = NodeScript.StartWithReference("sqlite-file.mjs", path, depth.ToString(System.Globalization.CultureInfo.InvariantCulture), changes);
        var line = await script.NextLineAsync();
        return JsonNode.Parse(line) ?? throw new InvalidOperationException($"The reference printed '{line}'. {script.Errors}");
    }

    private static void AssertSameTree(JsonNode expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}, got {actual?.ToJsonString()}");

    /// <summary>The root hash of a meta tree as the protocol defines it: the XOR of every timestamp's hash.</summary>
    private static uint HashOf(JsonNode meta) => meta switch
    {
        JsonObject children => children.Aggregate(0u, (hash, child) => hash ^ HashOf(child.Value!)),
        _ => Fnv1a.Hash(meta.GetValue<string>()),
    };

    private static Task<string> NotYet() => Task.FromResult("the atoms did not arrive in time");

    private static Task Arrived(Synclet synclet, int atoms)
    {
        var seen = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        synclet.AtomsChanged += (_, changed) =>
        {
            if (Interlocked.Add(ref seen, changed.Changes.Count) >= atoms)
            {
                done.TrySetResult();
            }
        };
        return done.Task;
    }
}
