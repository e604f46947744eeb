using System.Text.Json.Nodes;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// A random run against the JavaScript reference: a reference client (sqlite3 connector) and a
/// .NET client (generic SQLite) set and delete atoms of one small tree through our SQLite store room while
/// each is now and then cut off (the reference's process killed, the .NET synclet closed) and
/// comes back; both must end with what last-writer-wins says, from every write's timestamp.
/// Before each of its own writes the reference is brought up to date, timestamps and all (see the
/// loop): it has a race of its own that loses such a write, documented in docs/protocol.md.
/// </summary>
public sealed class ReferenceRandomRunTests : IDisposable
{
    private const int Steps = 200;
    private static readonly string[] Probe = ["_", "javascript"]; // Set to 0 after each JavaScript change (see ReferenceClient.SetAsync).
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-random-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [ReferenceTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Both_sides_end_as_last_writer_wins_says(int seed)
    {
        await using var host = await BrokerHost.StartAsync(shared: false, configure: options => options.StoreFactory = BrokerHost.SqliteRooms(_folder, 2));
        var room = host.Room("random");
        var javaScriptStorage = $"sqlite3:{Path.Combine(_folder, "javascript.db")}";
        await using var dotnetStore = await SqliteStore.OpenAsync(Path.Combine(_folder, "dotnet.db"), 2);
        Synclet NewDotnet() => new(dotnetStore.Data, dotnetStore.Meta, new WebSocketTransport(room, new WebSocketTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50) }), new SyncletOptions { Id = "dotnet" });
        var javaScript = await ReferenceClient.StartAsync(room, 2, javaScriptStorage);
        var dotnet = NewDotnet();
        await dotnet.StartAsync();
        var writes = new List<Write>();
        var restarts = new List<string>();
        try
        {
            // Each side's clock id (a timestamp's last five characters), from an address only it writes.
            var javaScriptFirst = await javaScript.SetAsync(Probe, 0);
            await dotnet.SetAtomAsync(["_", "dotnet"], 0);
            var dotnetFirst = StampAt(await dotnet.GetMetaAsync(), ["_", "dotnet"]);
            var (javaScriptClock, dotnetClock) = (Clock(javaScriptFirst), Clock(dotnetFirst));
            writes.Add(new Write(Probe, 0, javaScriptFirst));
            writes.Add(new Write(["_", "dotnet"], 0, dotnetFirst));

            var random = new Random(seed);
            for (var step = 0; step < Steps; step++)
            {
                string[] address = [$"r{random.Next(3)}", $"c{random.Next(3)}"];
                var roll = random.Next(100);
                if (roll < 48)
                {
                    // The reference checks a received atom's timestamp when the message arrives but
                    // writes it later, after whatever was queued meanwhile: its own set in between
                    // is then overwritten by the older value. So it writes only once it holds
                    // everything written so far (.NET's writes may still be in flight to it), the
                    // timestamps too: a .NET write of the value a cell already had changes no data.
                    await JavaScriptHoldsAsync();
                }

                if (roll < 40)
                {
                    var value = JavaScriptValue(random);
                    writes.Add(new Write(address, value, Known(await javaScript.SetAsync(address, value?.DeepClone(), Probe), javaScriptClock)));
                }
                else if (roll < 48)
                {
                    writes.Add(new Write(address, null, Known(await javaScript.DeleteAsync(address, Probe), javaScriptClock)));
                }
                else if (roll < 88)
                {
                    var (atom, json) = DotnetValue(random);
                    await dotnet.SetAtomAsync(address, atom);
                    writes.Add(new Write(address, json, Known(StampAt(await dotnet.GetMetaAsync(), address), dotnetClock)));
                }
                else if (roll < 96)
                {
                    await dotnet.DeleteAtomAsync(address);
                    writes.Add(new Write(address, null, Known(StampAt(await dotnet.GetMetaAsync(), address), dotnetClock)));
                }
                else if (roll < 98)
                {
                    restarts.Add($"javascript after {writes.Count}");
                    await javaScript.KillAsync(); // Its connection reset; its file keeps what it wrote.
                    javaScript = await ReferenceClient.StartAsync(room, 2, javaScriptStorage);
                }
                else
                {
                    restarts.Add($"dotnet after {writes.Count}");
                    await dotnet.DisposeAsync();
                    dotnet = NewDotnet();
                    await dotnet.StartAsync();
                }
            }

            await JavaScriptHoldsAsync();
            await SyncletData.UntilAsync(dotnet, LastWriterWins(writes));
            Assert.Empty(javaScript.Warnings);
        }
        finally
        {
            await dotnet.DisposeAsync();
            await javaScript.DisposeAsync();
        }

        async Task JavaScriptHoldsAsync()
        {
            var want = LastWriterWins(writes);
            var stamps = WinningStamps(writes);
            try
            {
                await javaScript.UntilAsync((data, meta) => JsonNode.DeepEquals(data, want) && stamps.All(pair => StampAt(meta, pair.Address) == pair.Stamp)).WaitAsync(Patience);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"expected {want.ToJsonString()}, the reference has {(await javaScript.GetDataAsync()).ToJsonString()} stamped {(await javaScript.GetMetaAsync()).ToJsonString()}, .NET {(await dotnet.GetDataAsync()).ToJsonString()} stamped {(await dotnet.GetMetaAsync()).ToJsonString()}; restarts at {string.Join(", ", restarts)}; writes: {string.Join("; ", writes.Select(write => $"{string.Join("/", write.Address)}={write.Value?.ToJsonString() ?? "-"}@{write.Stamp}"))}");
            }
        }
    }

    /// <summary>A write and its timestamp, or null when another write replaced it before its writer could read it (then it lost).</summary>
    private sealed record Write(string[] Address, JsonNode? Value, string? Stamp);

    /// <summary>What JavaScript sets: numbers, booleans and text with quotes, U+FFFA and emoji (not U+2028: its sender strips it).</summary>
    private static JsonNode JavaScriptValue(Random random) => random.Next(4) switch
    {
        0 => random.Next(-1000, 1000),
        1 => random.Next(2) == 0,
        2 => $"js \"{random.Next(100)}\" \uFFFA\U0001F600",
        _ => random.NextDouble(),
    };

    /// <summary>What .NET sets: the same kinds, and text with the line separators JavaScript's parser needs escaped.</summary>
    private static (Atom Atom, JsonNode Json) DotnetValue(Random random)
    {
        switch (random.Next(3))
        {
            case 0:
                var number = random.Next(-1000, 1000);
                return (number, number);
            case 1:
                var flag = random.Next(2) == 0;
                return (flag, flag);
            default:
                var text = $"net\u2028{random.Next(100)}\u2029 \\ /";
                return (text, text);
        }
    }

    private static string Clock(string? stamp) => stamp is { Length: 16 } ? stamp[^5..] : throw new InvalidOperationException($"'{stamp}' is not a timestamp.");

    /// <summary>The stamp when the writer's own clock made it; null when a peer's later write was there first.</summary>
    private static string? Known(string? stamp, string clock) => stamp is { Length: 16 } && stamp.EndsWith(clock, StringComparison.Ordinal) ? stamp : null;

    private static string? StampAt(JsonNode meta, string[] address) =>
        address.Aggregate((JsonNode?)meta, (node, id) => node?[id])?.GetValue<string>();

    /// <summary>At each address, the write with the greatest timestamp.</summary>
    private static IEnumerable<Write> Winners(List<Write> writes) => writes.Where(write => write.Stamp is not null)
        .GroupBy(write => (Row: write.Address[0], Cell: write.Address[1]))
        .Select(writesThere => writesThere.MaxBy(write => write.Stamp, StringComparer.Ordinal)!);

    /// <summary>The timestamp each address must hold, but the probe's (the reference restamps it at each of its writes, unrecorded).</summary>
    private static List<Write> WinningStamps(List<Write> writes) => [.. Winners(writes).Where(winner => !winner.Address.SequenceEqual(Probe))];

    /// <summary>The tree last-writer-wins gives: at each address, the write with the greatest timestamp (a delete leaves nothing).</summary>
    private static JsonObject LastWriterWins(List<Write> writes)
    {
        var tree = new JsonObject();
        var winners = Winners(writes)
            .Where(winner => winner.Value is not null)
            .OrderBy(winner => winner.Address[0], StringComparer.Ordinal).ThenBy(winner => winner.Address[1], StringComparer.Ordinal);
        foreach (var winner in winners)
        {
            var row = tree[winner.Address[0]] as JsonObject ?? (JsonObject)(tree[winner.Address[0]] = new JsonObject());
            row[winner.Address[1]] = winner.Value!.DeepClone();
        }

        return tree;
    }
}
