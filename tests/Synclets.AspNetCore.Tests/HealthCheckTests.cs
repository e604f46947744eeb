using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>The server's health check: healthy with what it holds, unhealthy (readiness false) once the host is stopping.</summary>
public sealed class HealthCheckTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Healthy_with_its_rooms_and_connections_then_unhealthy_once_stopping()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSynclets(options => options.StoreFactory = (_, _, _) => ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(2), new MemoryMetaConnector(2))));
        builder.Services.AddHealthChecks().AddSyncletsCheck();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        await app.StartAsync();
        var address = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/sync/health");
        var health = app.Services.GetRequiredService<HealthCheckService>();

        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(address), new SyncletOptions { Id = "client" });
        await client.StartAsync();
        await client.SetAtomAsync(["a", "x"], 1);
        await client.WhenStoredAsync().WaitAsync(Patience);
        var serving = (await health.CheckHealthAsync()).Entries["synclets"];
        Assert.Equal(HealthStatus.Healthy, serving.Status);
        Assert.Equal((1, 1), ((int)serving.Data["rooms"], (int)serving.Data["connections"]));

        // Stopping: readiness turns false while the connections close and the rooms drain.
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var stopping = (await health.CheckHealthAsync()).Entries["synclets"];
        Assert.Equal(HealthStatus.Unhealthy, stopping.Status);
        Assert.Contains("shutting down", stopping.Description, StringComparison.Ordinal);
        await client.StopAsync();
        await app.StopAsync();
    }
}

/// <summary>The health check while a room's store fails: unhealthy, naming the room and why, until it applies again.</summary>
public sealed class StoreHealthTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-health-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Unhealthy_naming_the_room_while_its_store_cannot_write_then_healthy_once_it_applies_again()
    {
        var path = Path.Combine(_folder, "locked.db");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSynclets(options => options.StoreFactory = async (_, _, cancellationToken) =>
        {
            var store = await Sqlite.SqliteStore.OpenAsync(path, 2, new Sqlite.SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(50) }, cancellationToken);
            return new RoomStorage(store.Data, store.Meta, store);
        });
        builder.Services.AddHealthChecks().AddSyncletsCheck();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        await app.StartAsync();
        var health = app.Services.GetRequiredService<HealthCheckService>();
        var broker = app.Services.GetRequiredService<SyncletsBroker>();
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/sync/locked")), new SyncletOptions { Id = "client" });
        await client.StartAsync();
        await client.SetAtomAsync(["a", "x"], 1);
        await client.WhenStoredAsync().WaitAsync(Patience);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Entries["synclets"].Status);

        // Another program holds the file's write lock: the room's store cannot apply the next change.
        var room = broker.GetRoomStore("locked")!;
        await using (var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var exclusive = holder.CreateCommand())
            {
                exclusive.CommandText = "BEGIN EXCLUSIVE";
                await exclusive.ExecuteNonQueryAsync();
            }

            await client.SetAtomAsync(["a", "y"], 2);
            await UntilAsync(() => room.Statistics.LastApplyFailure is not null, room);
            var failing = (await health.CheckHealthAsync()).Entries["synclets"];
            Assert.Equal(HealthStatus.Unhealthy, failing.Status);
            Assert.Contains("room 'locked'", failing.Description, StringComparison.Ordinal);
            Assert.Contains("locked", room.Statistics.LastApplyFailure, StringComparison.OrdinalIgnoreCase);
        }

        // The lock released, the next sync applies: healthy again, and the change is stored.
        await client.SyncAsync([]);
        await UntilAsync(() => room.Statistics.LastApplyFailure is null, room);
        await client.WhenStoredAsync().WaitAsync(Patience);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Entries["synclets"].Status);
        Assert.Equal(2, (await room.GetAtomAsync(["a", "y"])).AsNumber());
        await client.StopAsync();
    }

    /// <summary>Rechecks a condition each time the room's synclet finishes its work (a signal, not a timer).</summary>
    private static async Task UntilAsync(Func<bool> condition, Synclet room)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await room.WhenIdleAsync(timeout.Token);
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}
