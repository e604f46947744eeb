using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Synclets.AspNetCore;
using Synclets.Sqlite;

namespace Synclets.Cli;

/// <summary><c>synclets serve</c>: a sync server with a SQLite store per room.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen, e.g. http://0.0.0.0:5000 (port 0 picks a free one).", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var data = new Option<DirectoryInfo>("--data") { Description = "The folder of the rooms' SQLite files.", DefaultValueFactory = _ => new DirectoryInfo("synclets-data") };
        var depth = new Option<int>("--depth") { Description = "The depth of a new room's tree (a room's existing file keeps its own).", DefaultValueFactory = _ => 2 };
        var roomDepths = new Option<string[]>("--room-depth") { Description = "The depth of one room's tree, as ROOM=DEPTH (repeat for more), e.g. --room-depth workspace=3." };
        var relay = new Option<bool>("--relay") { Description = "Relay only: keep no store." };
        var postgres = new Option<string?>("--postgres") { Description = "Keep the rooms in PostgreSQL instead of SQLite files: a connection string, e.g. \"Host=db;Username=app;Password=...;Database=app\". Each room is a schema (room_NAME), created on first use." };
        var verbose = new Option<bool>("--verbose") { Description = "Log at Debug: every message handled, and which user each connection id is." };
        var dashboard = new Option<bool>("--dashboard") { Description = "Serve the live page at http://HOST/synclets: rooms, clients, message rates, each room's tree. It shows every room's data, as any client of this server (which asks no login) can read it: listen on a private address." };
        var keepTombstones = new Option<string?>("--keep-tombstones") { Description = "Forget deletions older than this, e.g. 30d, 12h, 90m (the default keeps them forever). A client away longer is told to rejoin: see docs/concepts.md, \"Tombstones\"." };
        var command = new Command("serve", "Run a sync server: clients connect to ws://HOST/sync/{room}; each room keeps a SQLite store in the data folder.") { urls, data, depth, roomDepths, relay, postgres, verbose, dashboard, keepTombstones };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(urls)!, parse.GetValue(data)!, parse.GetValue(depth), parse.GetValue(roomDepths) ?? [], parse.GetValue(relay), parse.GetValue(postgres), parse.GetValue(verbose), parse.GetValue(dashboard), parse.GetValue(keepTombstones), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string urls, DirectoryInfo data, int depth, string[] roomDepthTexts, bool relay, string? postgres, bool verbose, bool dashboard, string? keepTombstonesText, CancellationToken cancellationToken)
    {
        if (depth < 1)
        {
            await Console.Error.WriteLineAsync($"--depth must be at least 1, not {depth}.");
            return 2;
        }

        TimeSpan? keepTombstones = null;
        if (keepTombstonesText is not null)
        {
            if (Durations.TryParse(keepTombstonesText) is not { } parsed)
            {
                await Console.Error.WriteLineAsync($"--keep-tombstones must be a positive number of days, hours, minutes or seconds, like 30d, 12h, 90m or 45s, not '{keepTombstonesText}'.");
                return 2;
            }

            keepTombstones = parsed;
        }

        var roomDepths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in roomDepthTexts)
        {
            var equals = text.LastIndexOf('=');
            if (equals <= 0 || !int.TryParse(text.AsSpan(equals + 1), System.Globalization.CultureInfo.InvariantCulture, out var roomDepth) || roomDepth < 1)
            {
                await Console.Error.WriteLineAsync($"--room-depth must look like ROOM=DEPTH with a depth of at least 1, not '{text}'.");
                return 2;
            }

            roomDepths[text[..equals]] = roomDepth;
        }

        await using var postgresRooms = postgres is null ? null : PostgresRooms.Create(postgres);
        if (postgres is not null && postgresRooms is null)
        {
            await Console.Error.WriteLineAsync("--postgres needs a connection string like \"Host=db;Username=app;Password=...;Database=app\".");
            return 2;
        }

        if (postgresRooms is null)
        {
            data.Create();
        }

        // The content root is the working folder, where the data folder usually is too. Watching it
        // for configuration changes (ASP.NET Core's default) would wake a file watcher on every
        // SQLite write: measured, 0.5 s more for a 1,000,000-atom sync through a store room.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders().AddSimpleConsole(options => options.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSynclets(options =>
        {
            options.KeepTombstonesFor = keepTombstones;
            if (!relay)
            {
                options.StoreFactory = async (room, _, token) =>
                {
                    if (postgresRooms is not null)
                    {
                        return await postgresRooms.OpenAsync(room, roomDepths.GetValueOrDefault(room, depth), token);
                    }

                    // A room's file knows its depth; a new room takes its --room-depth, else --depth.
                    var path = Path.Combine(data.FullName, FileName(room));
                    var roomDepth = await SqliteStore.ReadDepthAsync(path, cancellationToken: token) ?? roomDepths.GetValueOrDefault(room, depth);
                    var store = await SqliteStore.OpenAsync(path, roomDepth, cancellationToken: token);
                    return new RoomStorage(store.Data, store.Meta, store);
                };
            }
        });
        builder.Services.AddHealthChecks().AddSyncletsCheck();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        app.MapHealthChecks("/healthz"); // 200 "Healthy" while serving; 503 once stopping and draining.
        if (dashboard)
        {
            app.MapSyncletsDashboard();
        }

        await app.StartAsync(cancellationToken);
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
        {
            Console.WriteLine($"Listening on {address.Replace("http", "ws", StringComparison.Ordinal)}/sync/{{room}} ({(relay ? "relay only" : postgresRooms is not null ? $"PostgreSQL stores in {postgresRooms.Describe()}" : $"SQLite stores in {data.FullName}")})");
            if (dashboard)
            {
                Console.WriteLine($"The live page: {address}/synclets");
            }
        }

        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>A room name as a safe file name.</summary>
    public static string FileName(string room) => Uri.EscapeDataString(room) + ".db";
}
