using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Tests.Engine;

public class HooksTests
{
    [Fact]
    public async Task A_refused_write_stores_neither_the_atom_nor_its_timestamp()
    {
        var hooks = new ReadOnlyHooks();
        await using var group = new SyncGroup(2, 2, Topology.Pool, _ => new MemoryPool(), hooks: hooks);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(["r", "c"], "x");
        await group.SettleAsync();

        // Both synclets run the same hooks, so neither accepts the other's writes.
        Assert.Equal("{}", (await group[2].GetDataAsync()).ToJsonString());
        Assert.Equal("{}", (await group[2].GetMetaAsync()).ToJsonString());
        Assert.Equal("{\"r\":{\"c\":\"x\"}}", (await group[1].GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task Unreadable_atoms_and_filtered_children_are_not_sent()
    {
        var pool = new MemoryPool();
        var server = new Synclet(new Connectors.MemoryDataConnector(2), new Connectors.MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "server", Hooks = new PrivacyHooks() });
        var client = new Synclet(new Connectors.MemoryDataConnector(2), new Connectors.MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "client" });
        await server.SetAtomAsync(["public", "title"], "hello");
        await server.SetAtomAsync(["public", "secret"], "password");
        await server.SetAtomAsync(["hidden", "title"], "no");
        await server.StartAsync();
        await client.StartAsync();
        await Quiescence.WaitAsync(server, client, pool);

        Assert.Equal("{\"public\":{\"title\":\"hello\"}}", (await client.GetDataAsync()).ToJsonString());
        await server.DisposeAsync();
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Context_travels_and_can_refuse_a_message()
    {
        var pool = new MemoryPool();
        var logs = new TestLoggerFactory();
        var gate = new TokenHooks("s3cret", "s3cret");
        var stranger = new TokenHooks("wrong", "s3cret");
        var server = new Synclet(new Connectors.MemoryDataConnector(1), new Connectors.MemoryMetaConnector(1), pool.CreateTransport(), new SyncletOptions { Id = "server", Hooks = gate, LoggerFactory = logs });
        var friend = new Synclet(new Connectors.MemoryDataConnector(1), new Connectors.MemoryMetaConnector(1), pool.CreateTransport(), new SyncletOptions { Id = "friend", Hooks = gate });
        var intruder = new Synclet(new Connectors.MemoryDataConnector(1), new Connectors.MemoryMetaConnector(1), pool.CreateTransport(), new SyncletOptions { Id = "intruder", Hooks = stranger });
        foreach (var synclet in new[] { server, friend, intruder })
        {
            await synclet.StartAsync();
        }

        await friend.SetAtomAsync(["k"], "from friend");
        await intruder.SetAtomAsync(["j"], "from intruder");
        await Quiescence.WaitAsync(server, friend, intruder, pool);

        Assert.Equal("{\"k\":\"from friend\"}", (await server.GetDataAsync()).ToJsonString());
        Assert.Contains(logs.Warnings, w => w.Contains("from intruder", StringComparison.Ordinal) && w.Contains("CanReceiveMessage", StringComparison.Ordinal));
        foreach (var synclet in new[] { server, friend, intruder })
        {
            await synclet.DisposeAsync();
        }
    }

    [Fact]
    public async Task Observers_see_the_lifecycle_and_every_set()
    {
        var hooks = new RecordingHooks();
        var pool = new MemoryPool();
        await using var one = new Synclet(new Connectors.MemoryDataConnector(1), new Connectors.MemoryMetaConnector(1), pool.CreateTransport(), new SyncletOptions { Id = "one", Hooks = hooks });
        await using var two = new Synclet(new Connectors.MemoryDataConnector(1), new Connectors.MemoryMetaConnector(1), pool.CreateTransport(), new SyncletOptions { Id = "two" });
        await one.StartAsync();
        await two.StartAsync();
        await two.SetAtomAsync(["k"], 1);
        await Quiescence.WaitAsync(one, two, pool);
        await one.SyncAsync([]);
        await one.StopAsync();

        Assert.Equal(["start", "receive", "receive", "set k", "sync", "stop"], hooks.Events.Where(e => !e.StartsWith("send", StringComparison.Ordinal)));
        Assert.Contains("send *", hooks.Events);
    }

    private sealed class ReadOnlyHooks : SyncletHooks
    {
        public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) => ValueTask.FromResult(false);
    }

    private sealed class PrivacyHooks : SyncletHooks
    {
        public override ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult(address[^1] != "secret");

        public override ValueTask<IReadOnlyCollection<string>> FilterChildIdsAsync(IReadOnlyList<string> address, IReadOnlyCollection<string> childIds, IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult<IReadOnlyCollection<string>>([.. childIds.Where(id => id != "hidden")]);
    }

    private sealed class TokenHooks(string sends, string expects) : SyncletHooks
    {
        public override ValueTask<IReadOnlyDictionary<string, Atom>> GetSendContextAsync(IReadOnlyDictionary<string, Atom> receivedContext) =>
            ValueTask.FromResult<IReadOnlyDictionary<string, Atom>>(new Dictionary<string, Atom> { ["token"] = sends });

        public override ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult(context.TryGetValue("token", out var token) && token == expects);
    }

    private sealed class RecordingHooks : SyncletHooks
    {
        public List<string> Events { get; } = [];

        public override void OnStart() => Events.Add("start");

        public override void OnStop() => Events.Add("stop");

        public override void OnSync(IReadOnlyList<string> address) => Events.Add("sync");

        public override void OnSendMessage(global::Synclets.Protocol.Message message, string recipient) => Events.Add("send " + recipient);

        public override void OnReceiveMessage(global::Synclets.Protocol.Message message, string from) => Events.Add("receive");

        public override void OnSetAtom(IReadOnlyList<string> address, Atom atom) => Events.Add("set " + string.Join('/', address));
    }
}
