using Synclets.Connectors;
using Synclets.Tests.Support;

namespace Synclets.Tests.Engine;

/// <summary>Bad input is dropped with a warning that names the peer and the reason, and changes nothing.</summary>
public class MalformedInputTests
{
    private const string Valid = "[\"OhqqeV-----BT7zq\",\"A\"]";

    public static TheoryData<string, string> BadMessages() => new()
    {
        { "[2,0,2,[\"a\",\"b\"]," + Valid + ",{}]", "version 2" },
        { "[1,5,2,[\"a\",\"b\"]," + Valid + ",{}]", "type is 5" },
        { "[1,0,3,[\"a\",\"b\",\"c\"]," + Valid + ",{}]", "depth 3" },
        { "[1,0,2,[\"a\"]," + Valid + ",{}]", "parent address" },
        { "[1,0,2,[\"a\",\"b\"],12,{}]", "atom address" },
        { "[1,0,2,[\"a\",\"b\"]," + Valid, "not valid JSON" },
        { "garbage", "not valid JSON" },
        { "[1,0,2,[\"a\",\"b\"],[\"OhqqeV-----BT7zq\",1e400],{}]", "beyond the range of a double" },
        { "[1,0,2,[\"a\"],[{\"b\":[\"OhqqeV-----BT7zq\",-1e999]}],{}]", "beyond the range of a double" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task A_bad_message_is_dropped_with_a_warning_and_changes_nothing(string text, string reason)
    {
        var (synclet, transport, logs) = await StartAsync();
        transport.InjectMessage("peer", text);
        await synclet.WhenIdleAsync();

        Assert.Contains(logs.Warnings, w => w.Contains("from peer", StringComparison.Ordinal) && w.Contains(reason, StringComparison.Ordinal));
        Assert.Equal("{}", (await synclet.GetDataAsync()).ToJsonString());
        Assert.Equal("{}", (await synclet.GetMetaAsync()).ToJsonString());
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task Ids_that_start_with_U_FFFA_are_data_as_the_reference_takes_them()
    {
        // The reference's TinyBase connector keeps TinyBase values at ["\uFFFAv","\uFFFAv",valueId];
        // a store that dropped them (earlier, the whole message) could not serve a TinyBase app.
        var (synclet, transport, logs) = await StartAsync();
        var value = System.Text.Json.JsonSerializer.Serialize("\uFFFAv");
        var rows = string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"row{i}\":[{{\"c\":{Valid}}}]"));
        transport.InjectMessage("peer", $"[1,0,2,[],[{{{rows},{value}:[{{\"theme\":{Valid}}}]}}],{{}}]");
        await synclet.WhenIdleAsync();

        Assert.Equal(11, (await synclet.GetChildIdsAsync([])).Count);
        Assert.Equal(["theme"], await synclet.GetChildIdsAsync(["\uFFFAv"]));
        Assert.Empty(logs.Warnings);
        await synclet.SetAtomAsync(["\uFFFAv", "theme"], "dark");
        Assert.Equal("dark", (await synclet.GetAtomAsync(["\uFFFAv", "theme"])).AsString());
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task A_malformed_packet_is_dropped_with_a_warning()
    {
        var (synclet, transport, logs) = await StartAsync();
        transport.Inject("peer only-three parts");
        await synclet.WhenIdleAsync();
        Assert.Contains(logs.Warnings, w => w.Contains("five parts", StringComparison.Ordinal));
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task Fragments_that_never_complete_stay_bounded_and_apply_nothing()
    {
        var (synclet, transport, logs) = await StartAsync(new Synclets.Transports.TransportOptions { MaxPendingMessagesPerPeer = 4 });
        for (var i = 0; i < 100; i++)
        {
            transport.Inject($"peer ID{i} 0 2 [1,0,2,");
        }

        await synclet.WhenIdleAsync();
        Assert.Equal(4, transport.PendingMessageCount);
        Assert.Equal(96, logs.Warnings.Count(w => w.Contains("incomplete messages", StringComparison.Ordinal)));
        Assert.Equal("{}", (await synclet.GetDataAsync()).ToJsonString());
        await synclet.DisposeAsync();
        Assert.Equal(0, transport.PendingMessageCount);
    }

    [Fact]
    public async Task An_oversized_message_is_dropped()
    {
        var (synclet, transport, logs) = await StartAsync(new Synclets.Transports.TransportOptions { MaxMessageLength = 20 });
        transport.InjectMessage("peer", "[1,0,2,[\"a\",\"b\"]," + Valid + ",{}]");
        await synclet.WhenIdleAsync();
        Assert.Contains(logs.Warnings, w => w.Contains("over the limit of 20", StringComparison.Ordinal));
        Assert.Equal("{}", (await synclet.GetDataAsync()).ToJsonString());
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_message_through_the_same_path_is_applied()
    {
        var (synclet, transport, _) = await StartAsync();
        transport.InjectMessage("peer", "[1,0,2,[\"a\",\"b\"]," + Valid + ",{}]");
        await synclet.WhenIdleAsync();
        Assert.Equal("{\"a\":{\"b\":\"A\"}}", (await synclet.GetDataAsync()).ToJsonString());
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task Local_calls_with_bad_addresses_throw_clear_errors()
    {
        var (synclet, _, _) = await StartAsync();
        var wrongLength = await Assert.ThrowsAsync<ArgumentException>(() => synclet.SetAtomAsync(["a"], "x"));
        Assert.Contains("needs exactly 2 ids, but this one has 1", wrongLength.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Atom.FromNumber(double.NaN));
        await synclet.DisposeAsync();
    }

    [Fact]
    public void Connectors_of_different_depths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(3)));
        Assert.Contains("depth 2", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(Synclet Synclet, ScriptedTransport Transport, TestLoggerFactory Logs)> StartAsync(Synclets.Transports.TransportOptions? options = null)
    {
        var logs = new TestLoggerFactory();
        var transport = new ScriptedTransport(options);
        var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), transport, new SyncletOptions { Id = "me", LoggerFactory = logs });
        await synclet.StartAsync();
        return (synclet, transport, logs);
    }
}
