using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Synclets.AspNetCore;

namespace Synclets.Orleans.Tests;

/// <summary>
/// One node of a cluster in this process: a real Kestrel server on loopback with the Synclets
/// endpoint, co-hosting a real Orleans silo (localhost clustering, fast failure detection).
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ClusterNode(WebApplication app, int siloPort)
    {
        _app = app;
        SiloPort = siloPort;
        Broker = app.Services.GetRequiredService<SyncletsBroker>();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = new Uri(address);
    }

    /// <summary>The node's HTTP address (ws:// for the sockets).</summary>
    public Uri Endpoint { get; }

    public int SiloPort { get; }

    public SyncletsBroker Broker { get; }

    /// <summary>True once the node was stopped.</summary>
    public bool Stopped { get; private set; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a node; the first of a cluster is its own primary (<paramref name="primarySiloPort"/> its own port).</summary>
    /// <remarks>With <paramref name="authenticated"/>, the endpoint requires a user, named by the X-User header.</remarks>
    public static async Task<ClusterNode> StartAsync(string clusterId, int siloPort, int primarySiloPort, Action<SyncletsServerOptions>? configure = null, ILoggerProvider? logs = null, bool authenticated = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        if (Environment.GetEnvironmentVariable("SYNCLETS_CLUSTER_LOGS") is { Length: > 0 })
        {
            // For a failing test: the nodes' Synclets and Orleans logs on the console.
            builder.Logging.AddSimpleConsole(options => options.SingleLine = true).AddFilter("Orleans", LogLevel.Warning).AddFilter("Synclets", LogLevel.Information);
        }

        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, Synclets.Tests.Support.FreePorts.Next(), new IPEndPoint(IPAddress.Loopback, primarySiloPort), serviceId: clusterId, clusterId: clusterId);
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                // Declares a stopped node dead in about a second instead of half a minute.
                options.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                options.NumMissedProbesLimit = 2;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
        });
        builder.Services.AddSynclets(configure).WithOrleansRooms(options => options.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        if (authenticated)
        {
            builder.Services.AddAuthentication("header").AddScheme<AuthenticationSchemeOptions, Synclets.AspNetCore.Tests.HeaderAuthentication>("header", null);
            builder.Services.AddAuthorization();
        }

        var app = builder.Build();
        app.UseWebSockets();
        app.MapSyncletsDashboard();
        if (authenticated)
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapSynclets("/sync/{room}").RequireAuthorization();
        }
        else
        {
            app.MapSynclets("/sync/{room}");
        }
        await app.StartAsync();
        return new ClusterNode(app, siloPort);
    }

    /// <summary>Stops the node as an operator would (its silo leaves the cluster, its sockets close).</summary>
    public async Task StopAsync()
    {
        if (!Stopped)
        {
            Stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
