using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Synclets.AspNetCore;
using Synclets.Orleans;
using Synclets.PostgreSql;
using Synclets.Sqlite;

namespace Synclets.Samples.Cluster;

/// <summary>
/// One node of the cluster: an ASP.NET Core app that terminates the WebSockets and co-hosts an
/// Orleans silo, where the rooms live as grains. This is all a node needs; run three, put a load
/// balancer in front, and any client reaches its room through any of them.
/// </summary>
public static partial class Node
{
    /// <summary>The depth of the sample's rooms: rows of cells.</summary>
    public const int Depth = 2;

    public static async Task<int> RunAsync(NodeSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans", LogLevel.Error)
            .AddFilter("Synclets.Orleans", LogLevel.Information);
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, settings.HttpPort));
        builder.UseOrleans(silo =>
        {
            if (settings.Postgres is { } postgres)
            {
                // Production clustering: the membership table in PostgreSQL (run
                // orleans-clustering-postgresql.sql once), so any node may die.
                silo.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (settings.ClusterId, settings.ClusterId));
                silo.ConfigureEndpoints(IPAddress.Loopback, settings.SiloPort, gatewayPort: 0);
                silo.UseAdoNetClustering(options => (options.Invariant, options.ConnectionString) = ("Npgsql", postgres));
            }
            else
            {
                // Development clustering on one machine: the first node keeps the membership.
                silo.UseLocalhostClustering(settings.SiloPort, gatewayPort: 0, new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort), settings.ClusterId, settings.ClusterId);
            }

            silo.Configure<ClusterMembershipOptions>(options =>
            {
                // Finds a dead node in about two seconds (the defaults take tens of seconds).
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
        });
        builder.Services.AddSynclets(options => options.StoreFactory = (room, _, cancellationToken) => OpenRoomAsync(settings, room, cancellationToken))
            .WithOrleansRooms(options => options.HeartbeatInterval = TimeSpan.FromSeconds(1));

        var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        app.MapGet("/cluster/rooms/{room}", async (string room, SyncletsClusterRooms rooms, CancellationToken cancellationToken) =>
            Results.Json(await rooms.DescribeAsync(room, cancellationToken)));
        await app.StartAsync();
        Console.WriteLine($"ready http://127.0.0.1:{settings.HttpPort}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>A room's store, wherever its grain activates: a SQLite file in the shared folder, or a schema in PostgreSQL.</summary>
    private static async ValueTask<RoomStorage?> OpenRoomAsync(NodeSettings settings, string room, CancellationToken cancellationToken)
    {
        if (!SafeName().IsMatch(room))
        {
            throw new ArgumentException($"Room names here are lowercase letters, digits and _ (not '{room}').", nameof(room));
        }

        if (settings.Postgres is { } postgres)
        {
            var store = await PostgreSqlStore.OpenAsync(postgres, Depth, new PostgreSqlStoreOptions { Schema = "room_" + room }, cancellationToken);
            return new RoomStorage(store.Data, store.Meta, store);
        }

        var file = await SqliteStore.OpenAsync(Path.Combine(settings.Rooms!, room + ".db"), Depth, cancellationToken: cancellationToken);
        return new RoomStorage(file.Data, file.Meta, file);
    }

    [GeneratedRegex("^[a-z0-9_]{1,40}$")]
    private static partial Regex SafeName();
}
