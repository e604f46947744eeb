using Synclets.Tests.Scenarios;
using Synclets.Tests.Support;

namespace Synclets.AspNetCore.Tests;

/// <summary>The broker scenarios over real WebSockets through a relay-only broker: its own data stays empty.</summary>
public sealed class RelayBrokerConvergenceTests : BrokerConvergenceSuite, IAsyncLifetime
{
    private BrokerHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync();

    public async Task DisposeAsync()
    {
        Assert.Empty(_host.Broker.RoomNames.Select(_host.Broker.GetRoomStore).OfType<Synclet>());
        await _host.DisposeAsync();
    }

    protected override SyncGroup CreateGroup(int count, int depth, Topology topology)
    {
        var room = Guid.NewGuid().ToString("N");
        return new SyncGroup(count, depth, _ => _host.Client(room), [_host.Activity]);
    }
}

/// <summary>The broker scenarios over real WebSockets through a broker that keeps a store: its data equals the clients'.</summary>
public sealed class StoreBrokerConvergenceTests : BrokerConvergenceSuite, IAsyncLifetime
{
    private readonly Dictionary<int, BrokerHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }
    }

    protected override SyncGroup CreateGroup(int count, int depth, Topology topology)
    {
        if (!_hosts.TryGetValue(depth, out var host))
        {
            host = BrokerHost.StartAsync(stores: depth).GetAwaiter().GetResult();
            _hosts[depth] = host;
        }

        var room = Guid.NewGuid().ToString("N");
        return new SyncGroup(count, depth, _ => host.Client(room), [host.Activity, new RoomStoreIdle(host.Broker, room)], () => host.Broker.GetRoomStore(room) is { } store ? [store] : []);
    }
}
