using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synclets;
using Synclets.AspNetCore;
using Synclets.Sqlite;

namespace TodoSync;

/// <summary>A Synclets server on loopback: each room keeps a SQLite store of its own in the data folder.</summary>
internal sealed class SyncServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SyncServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public SyncletsBroker Broker => _app.Services.GetRequiredService<SyncletsBroker>();

    public static async Task<SyncServer> StartAsync(string dataFolder, InProcessWire activity)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSynclets(options =>
        {
            options.Observer = activity; // An in-process demo: lets it wait until everything is quiet.
            options.StoreFactory = async (room, _, cancellationToken) =>
            {
                var store = await SqliteStore.OpenAsync(Path.Combine(dataFolder, $"server-{room}.db"), 2, cancellationToken: cancellationToken);
                return new RoomStorage(store.Data, store.Meta, store);
            };
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SyncServer(app, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
