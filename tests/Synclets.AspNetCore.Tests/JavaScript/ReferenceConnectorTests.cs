using System.Text.Json.Nodes;
using Synclets.Sqlite;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// A reference client on each of the reference's connectors that runs in Node.js, with a .NET
/// client on SQLite, through our relay rooms and SQLite store rooms: offline edits both ways,
/// online sets and deletes both ways, and a conflict that both sides must settle alike.
/// </summary>
public sealed class ReferenceConnectorTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-connectors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [ReferenceTheory]
    [InlineData("memory", false, 1)]
    [InlineData("memory", true, 1)]
    [InlineData("memory", false, 2)]
    [InlineData("memory", true, 2)]
    [InlineData("memory", true, 3)]
    [InlineData("sqlite3", false, 2)]
    [InlineData("sqlite3", true, 2)]
    [InlineData("file", false, 2)]
    [InlineData("file", true, 2)]
    [InlineData("directory", false, 2)]
    [InlineData("directory", true, 2)]
    [InlineData("tinybase", false, 3)]
    [InlineData("tinybase", true, 3)]
    [InlineData("pglite", false, 2)]
    [InlineData("pglite", true, 2)]
    public async Task A_reference_client_syncs_with_a_dotnet_client_offline_online_and_in_conflict(string connector, bool storeRoom, int depth)
    {
        await using var host = await BrokerHost.StartAsync(shared: false, configure: options => options.StoreFactory = storeRoom ? BrokerHost.SqliteRooms(_folder, depth) : null);
        var room = host.Room("mixed");
        var javaScriptStorage = connector switch
        {
            "sqlite3" => $"sqlite3:{Path.Combine(_folder, "javascript.db")}",
            "file" or "directory" => $"{connector}:{Path.Combine(_folder, "javascript-" + connector)}",
            _ => connector,
        };
        var persistent = connector is "sqlite3" or "file" or "directory";
        string[] At(string id) => depth switch { 1 => [id], 2 => ["r", id], _ => ["t", "r", id] };
        var expected = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

        // Offline edits on the JavaScript side, kept by its connector for its next run.
        if (persistent)
        {
            await using var offline = await ReferenceClient.StartAsync(null, depth, javaScriptStorage);
            await offline.SetAsync(At("js-offline"), "from JavaScript, offline");
            expected["js-offline"] = "from JavaScript, offline";
        }

        // Offline edits on the .NET side, one of them to the address both sides will write.
        await using var dotnetStore = await SqliteStore.OpenAsync(Path.Combine(_folder, "dotnet.db"), depth);
        await using var dotnet = new Synclet(dotnetStore.Data, dotnetStore.Meta, new Transports.WebSocketTransport(room), new SyncletOptions { Id = "dotnet" });
        await dotnet.SetAtomAsync(At("dotnet-offline"), "from .NET, offline");
        await dotnet.SetAtomAsync(At("both"), "from .NET");
        var dotnetStamp = StampAt(await dotnet.GetMetaAsync(), At("both"));

        // The JavaScript client online: sets, a conflicting set, a delete.
        await using var javaScript = await ReferenceClient.StartAsync(room, depth, javaScriptStorage);
        await javaScript.SetAsync(At("js-online"), 12);
        var javaScriptStamp = await javaScript.SetAsync(At("both"), "from JavaScript");
        await javaScript.SetAsync(At("js-deleted"), true);
        await javaScript.DeleteAsync(At("js-deleted"));
        if (connector == "tinybase")
        {
            await javaScript.SetAsync(["\uFFFAv", "\uFFFAv", "theme"], "dark"); // A TinyBase value.
        }

        await dotnet.StartAsync();
        await dotnet.SetAtomAsync(At("dotnet-online"), 1.5);
        expected["dotnet-offline"] = "from .NET, offline";
        expected["js-online"] = 12;
        expected["dotnet-online"] = 1.5;

        // The later timestamp wins the conflict, on both sides.
        Assert.True(javaScriptStamp is not null, string.Join("\n", javaScript.Warnings));
        expected["both"] = string.CompareOrdinal(javaScriptStamp, dotnetStamp) > 0 ? "from JavaScript" : "from .NET";

        var want = Tree(depth, expected);
        if (connector == "tinybase")
        {
            want["\uFFFAv"] = new JsonObject { ["\uFFFAv"] = new JsonObject { ["theme"] = "dark" } };
        }

        var javaScriptData = await javaScript.UntilAsync(data => JsonNode.DeepEquals(data, want)).WaitAsync(Patience);
        await SyncletData.UntilAsync(dotnet, want);
        Assert.True(JsonNode.DeepEquals(want, javaScriptData), $"expected {want.ToJsonString()}, the reference has {javaScriptData.ToJsonString()}");

        // A delete from .NET reaches the reference too.
        await dotnet.DeleteAtomAsync(At("dotnet-offline"));
        ((JsonObject)Parent(want, At("dotnet-offline"))).Remove("dotnet-offline");
        await javaScript.UntilAsync(data => JsonNode.DeepEquals(data, want)).WaitAsync(Patience);
        Assert.Empty(javaScript.Warnings);
    }

    /// <summary>The timestamp at an atom's address in a meta tree.</summary>
    private static string StampAt(JsonNode meta, string[] address) =>
        address.Aggregate((JsonNode?)meta, (node, id) => node?[id])?.GetValue<string>() ?? throw new InvalidOperationException($"No timestamp at [{string.Join(", ", address)}].");

    private static JsonNode Parent(JsonObject tree, string[] address) =>
        address[..^1].Aggregate((JsonNode)tree, (node, id) => node[id]!);

    /// <summary>The data tree holding <paramref name="atoms"/> under the test's one row (and table).</summary>
    private static JsonObject Tree(int depth, Dictionary<string, JsonNode?> atoms)
    {
        var row = new JsonObject();
        foreach (var (id, atom) in atoms.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            row[id] = atom?.DeepClone();
        }

        return depth switch
        {
            1 => row,
            2 => new JsonObject { ["r"] = row },
            _ => new JsonObject { ["t"] = new JsonObject { ["r"] = row } },
        };
    }
}
