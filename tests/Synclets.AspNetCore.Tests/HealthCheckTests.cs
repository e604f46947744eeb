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
