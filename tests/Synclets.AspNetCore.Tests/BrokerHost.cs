using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>A real Kestrel server on loopback with the Synclets endpoint, and an in-process wire observer shared with its clients.</summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BrokerHost(WebApplication app, InProcessWire activity)
    {
        _app = app;
        Activity = activity;
        Broker = app.Services.GetRequiredService<SyncletsBroker>();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
    }

    public Uri BaseUri { get; }

    public InProcessWire Activity { get; }

    public SyncletsBroker Broker { get; }

    /// <summary>The server's services (its IMeterFactory, say).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; with <paramref name="stores"/>, every room keeps a memory store of that depth.</summary>
    /// <remarks>With <paramref name="shared"/> false, clients outside the counter (raw sockets) may connect; tests then wait on signals.</remarks>
    public static async Task<BrokerHost> StartAsync(int? stores = null, Action<SyncletsServerOptions>? configure = null, int port = 0, bool shared = true)
    {
        var activity = new InProcessWire();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        builder.Services.AddSynclets(options =>
        {
            options.Observer = shared ? activity : null;
            if (stores is { } depth)
            {
                options.StoreFactory = (_, _, _) => ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(depth), new MemoryMetaConnector(depth)));
            }

            configure?.Invoke(options);
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        await app.StartAsync();
        return new BrokerHost(app, activity);
    }

    public Uri Room(string room) => new(BaseUri, "/sync/" + room);

    /// <summary>A store factory giving every room a SQLite store of its own, <c>ROOM.db</c> in <paramref name="folder"/>.</summary>
    public static Func<string, IServiceProvider, CancellationToken, ValueTask<RoomStorage?>> SqliteRooms(string folder, int depth) =>
        async (room, _, cancellationToken) =>
        {
            var store = await Sqlite.SqliteStore.OpenAsync(Path.Combine(folder, room + ".db"), depth, cancellationToken: cancellationToken);
            return new RoomStorage(store.Data, store.Meta, store);
        };

    public WebSocketTransport Client(string room) =>
        new(Room(room), new WebSocketTransportOptions { Observer = Activity, ReconnectDelay = TimeSpan.FromMilliseconds(50) });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The store synclet of a room, as an idle source that exists only while the room is open.</summary>
public sealed class RoomStoreIdle(SyncletsBroker broker, string room) : IIdleSource
{
    public bool IsIdle => broker.GetRoomStore(room)?.IsIdle ?? true;

    public long Generation => broker.GetRoomStore(room)?.Generation ?? 0;

    public Task WhenIdleAsync(CancellationToken cancellationToken = default) =>
        broker.GetRoomStore(room)?.WhenIdleAsync(cancellationToken) ?? Task.CompletedTask;
}
