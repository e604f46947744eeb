using Microsoft.Extensions.Time.Testing;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Tests.Support;

/// <summary>How the synclets of a group are linked.</summary>
public enum Topology
{
    /// <summary>All on one shared hub.</summary>
    Pool,

    /// <summary>Synclet i linked to i + 1 by a point-to-point pair; the ends not linked.</summary>
    Chain,

    /// <summary>A chain whose ends are linked too.</summary>
    Ring,
}

/// <summary>
/// A group of synclets over one storage factory and one kind of transport, with one shared fake
/// clock, and a way to wait until the whole group is quiet (never a sleep).
/// </summary>
public sealed class SyncGroup : IAsyncDisposable
{
    private readonly List<PacketHub> _hubs = [];
    private readonly List<IIdleSource> _idleSources = [];
    private readonly Func<IReadOnlyList<Synclet>>? _observers;

    /// <summary>A group whose members each get a transport from <paramref name="newTransport"/> (a network client, say).</summary>
    /// <param name="count">How many synclets.</param>
    /// <param name="depth">The depth of their trees.</param>
    /// <param name="newTransport">Makes the transport of synclet i.</param>
    /// <param name="idleSources">What else must be idle for the group to be quiet (a broker's counter).</param>
    /// <param name="observers">Synclets outside the group whose trees must end up equal too (a broker's store), read when checked.</param>
    public SyncGroup(int count, int depth, Func<int, Transport> newTransport, IEnumerable<IIdleSource> idleSources, Func<IReadOnlyList<Synclet>>? observers = null)
    {
        Depth = depth;
        _idleSources.AddRange(idleSources);
        _observers = observers;
        Synclets = [.. Enumerable.Range(0, count).Select(i =>
            new Synclet(new MemoryDataConnector(depth), new MemoryMetaConnector(depth), newTransport(i), new SyncletOptions { Id = $"synclet{i + 1}", TimeProvider = Clock, LoggerFactory = Logs }))];
    }

    /// <summary>A group linked by hubs in a <paramref name="topology"/>; <paramref name="changeFeed"/> says which members (by index) take part in the change feed (all by default), the others being plain protocol version 1 peers.</summary>
    public SyncGroup(int count, int depth, Topology topology, Func<int, PacketHub> newHub, Func<int, (IDataConnector, IMetaConnector)>? storage = null, SyncletHooks? hooks = null, TransportOptions? transportOptions = null, Func<int, bool>? changeFeed = null)
    {
        Depth = depth;
        storage ??= d => (new MemoryDataConnector(d), new MemoryMetaConnector(d));
        var transports = Enumerable.Range(0, count).Select(_ => new List<Transport>()).ToArray();
        if (topology == Topology.Pool)
        {
            var hub = newHub(0);
            _hubs.Add(hub);
            foreach (var list in transports)
            {
                list.Add(hub.CreateTransport(transportOptions));
            }
        }
        else
        {
            var links = topology == Topology.Ring && count > 2 ? count : count - 1;
            for (var i = 0; i < links; i++)
            {
                var hub = newHub(i);
                _hubs.Add(hub);
                var (first, second) = hub.CreatePair(transportOptions);
                transports[i].Add(first);
                transports[(i + 1) % count].Add(second);
            }
        }

        Synclets = [.. Enumerable.Range(0, count).Select(i =>
        {
            var (data, meta) = storage(depth);
            return new Synclet(data, meta, transports[i], new SyncletOptions { Id = $"synclet{i + 1}", TimeProvider = Clock, LoggerFactory = Logs, Hooks = hooks ?? SyncletHooks.AllowAll, ChangeFeed = changeFeed?.Invoke(i) ?? true });
        })];
    }

    public int Depth { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public TestLoggerFactory Logs { get; } = new();

    public IReadOnlyList<Synclet> Synclets { get; }

    public IReadOnlyList<PacketHub> Hubs => _hubs;

    public Synclet this[int number] => Synclets[number - 1];

    /// <summary>Moves the shared clock on, so the next write is "later".</summary>
    public void Later() => Clock.Advance(TimeSpan.FromMilliseconds(1));

    public async Task StartAllAsync()
    {
        foreach (var synclet in Synclets)
        {
            await synclet.StartAsync();
        }

        await SettleAsync();
    }

    /// <summary>Waits until every synclet and hub is idle at once.</summary>
    public Task SettleAsync() =>
        Quiescence.WaitAsync(Synclets.Cast<IIdleSource>().Concat(_hubs).Concat(_idleSources).Concat(_observers?.Invoke() ?? []), new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

    public async Task AssertEquivalentAsync(System.Text.Json.Nodes.JsonObject? expectedData = null)
    {
        await SettleAsync();
        var first = Synclets[0];
        var data = await first.GetDataAsync();
        var meta = await first.GetMetaAsync();
        if (expectedData is not null)
        {
            Trees.Equal(expectedData, data, $"the data of {first.Id}");
        }

        foreach (var other in Synclets.Skip(1).Concat(_observers?.Invoke() ?? []))
        {
            Trees.Equal(data, await other.GetDataAsync(), $"the data of {other.Id} against {first.Id}");
            Trees.Equal(meta, await other.GetMetaAsync(), $"the meta of {other.Id} against {first.Id}");
        }
    }

    public async Task AssertDifferingAsync(int one, int two)
    {
        await SettleAsync();
        Assert.NotEqual((await this[one].GetDataAsync()).ToJsonString(), (await this[two].GetDataAsync()).ToJsonString());
        Assert.NotEqual((await this[one].GetMetaAsync()).ToJsonString(), (await this[two].GetMetaAsync()).ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var synclet in Synclets)
        {
            await synclet.DisposeAsync();
        }
    }
}
