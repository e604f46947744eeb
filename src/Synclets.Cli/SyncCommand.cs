using System.CommandLine;
using Spectre.Console;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Cli;

/// <summary><c>synclets sync FILE URL</c>: sync a local SQLite store with a server once, then exit.</summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The local SQLite store (created if missing)." };
        var url = new Argument<string>("url") { Description = "The room on the server, e.g. ws://127.0.0.1:5000/sync/todos." };
        var depth = new Option<int?>("--depth") { Description = "The depth of a new store (an existing one knows its own)." };
        var timeout = new Option<double>("--timeout-seconds") { Description = "Give up after this long.", DefaultValueFactory = _ => 300 };
        var headers = new Option<string[]>("--header") { Description = "A request header for the server, as 'Name: value' (repeat for more).", AllowMultipleArgumentsPerToken = false };
        var token = new Option<string?>("--token") { Description = "A bearer token: sends 'Authorization: Bearer TOKEN'." };
        var command = new Command("sync", "Sync a local SQLite store with a server once, then exit with a summary.") { file, url, depth, timeout, headers, token };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(file)!, parse.GetValue(url)!, parse.GetValue(depth), parse.GetValue(timeout), Headers(parse.GetValue(headers), parse.GetValue(token)), cancellationToken));
        return command;
    }

    /// <summary>The request headers to send: each 'Name: value', and the token as a bearer authorization.</summary>
    private static List<(string Name, string Value)>? Headers(string[]? headers, string? token)
    {
        var parsed = new List<(string, string)>();
        foreach (var header in headers ?? [])
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            parsed.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
        }

        if (token is not null)
        {
            parsed.Add(("Authorization", "Bearer " + token));
        }

        return parsed;
    }

    private static async Task<int> RunAsync(FileInfo file, string urlText, int? depth, double timeoutSeconds, List<(string Name, string Value)>? headers, CancellationToken cancellationToken)
    {
        if (headers is null)
        {
            await Console.Error.WriteLineAsync("A --header must look like 'Name: value'.");
            return 2;
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
        {
            await Console.Error.WriteLineAsync($"'{urlText}' is not a WebSocket URL: it must look like ws://host:port/sync/room (or wss://).");
            return 2;
        }

        var existing = await SqliteStore.ReadDepthAsync(file.FullName, cancellationToken: cancellationToken);
        if (existing is null && TypedTables.Find(file.FullName) is { Count: > 0 } typed)
        {
            await Console.Error.WriteLineAsync($"'{file.FullName}' holds typed tables ({string.Join(", ", typed.Select(t => t.Name))}): sync it from the app that owns the records (TypedSqliteStore); this tool syncs generic stores, and would add its own tables beside them.");
            return 2;
        }

        if (existing is { } known && depth is { } asked && known != asked)
        {
            await Console.Error.WriteLineAsync($"'{file.FullName}' holds a tree of depth {known}, not {asked}.");
            return 2;
        }

        await using var store = await SqliteStore.OpenAsync(file.FullName, existing ?? depth ?? 2, cancellationToken: cancellationToken);
        await using var synclet = new Synclet(store.Data, store.Meta, new WebSocketTransport(url, new WebSocketTransportOptions
        {
            RequireConnectionOnStart = true,
            ConfigureSocket = socket =>
            {
                foreach (var (name, value) in headers)
                {
                    socket.SetRequestHeader(name, value);
                }
            },
        }), new SyncletOptions { Id = "cli-" + Environment.MachineName });
        try
        {
            await synclet.StartAsync(cancellationToken);
        }
        catch (System.Net.WebSockets.WebSocketException exception)
        {
            await Console.Error.WriteLineAsync($"Could not connect to {url}: {exception.Message}");
            return 1;
        }

        var started = DateTime.UtcNow;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var feed = new FeedProgress(synclet);
        var done = await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                // A bar of the server's change feed (its total is known once the first batch is
                // in); until then, or from a server that syncs by hashes alone, what moved.
                var bar = progress.AddTask("Syncing", maxValue: 1);
                bar.IsIndeterminate = true;

                // Done when the server acknowledges that it stored everything we sent and holds the same tree.
                var synced = synclet.WhenSyncedAsync(deadline.Token);
                while (!synced.IsCompleted)
                {
                    await Task.WhenAny(synced, Task.Delay(100, CancellationToken.None));
                    feed.Show(bar, synclet.Statistics);
                }

                try
                {
                    await synced;
                    feed.Show(bar, synclet.Statistics);
                    bar.Value = bar.MaxValue;
                    return true;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            });

        await synclet.StopAsync(CancellationToken.None);
        var statistics = synclet.Statistics;
        AnsiConsole.MarkupLine(done
            ? $"[green]Synced[/] {Markup.Escape(file.Name)} with {Markup.Escape(url.ToString())} in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {statistics.MessagesReceived} messages ({statistics.BytesReceived:N0} bytes) in, {statistics.MessagesSent} ({statistics.BytesSent:N0} bytes) out{feed.Summary}."
            : $"[red]Timed out[/] after {timeoutSeconds} s before the server confirmed it stored everything; what arrived is kept, run sync again to finish. (No confirmation at all? The server may keep a tree of another depth than this file's {synclet.Depth}, see its log, or be a relay-only or JavaScript server, which never confirms.)");
        return done ? 0 : 1;
    }
}
