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
        var command = new Command("sync", "Sync a local SQLite store with a server once, then exit with a summary.") { file, url, depth, timeout };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(file)!, parse.GetValue(url)!, parse.GetValue(depth), parse.GetValue(timeout), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, string urlText, int? depth, double timeoutSeconds, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
        {
            await Console.Error.WriteLineAsync($"'{urlText}' is not a WebSocket URL: it must look like ws://host:port/sync/room (or wss://).");
            return 2;
        }

        var existing = await SqliteStore.ReadDepthAsync(file.FullName, cancellationToken: cancellationToken);
        if (existing is { } known && depth is { } asked && known != asked)
        {
            await Console.Error.WriteLineAsync($"'{file.FullName}' holds a tree of depth {known}, not {asked}.");
            return 2;
        }

        await using var store = await SqliteStore.OpenAsync(file.FullName, existing ?? depth ?? 2, cancellationToken: cancellationToken);
        await using var synclet = new Synclet(store.Data, store.Meta, new WebSocketTransport(url, new WebSocketTransportOptions { RequireConnectionOnStart = true }), new SyncletOptions { Id = "cli-" + Environment.MachineName });
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
        var done = await AnsiConsole.Status().StartAsync("Syncing...", async status =>
        {
            // Done when the server acknowledges that it stored everything we sent and holds the same tree.
            var synced = synclet.WhenSyncedAsync(deadline.Token);
            while (!synced.IsCompleted)
            {
                await Task.WhenAny(synced, Task.Delay(100, CancellationToken.None));
                var statistics = synclet.Statistics;
                status.Status($"Syncing: {statistics.MessagesReceived} messages ({statistics.BytesReceived:N0} bytes) in, {statistics.MessagesSent} ({statistics.BytesSent:N0} bytes) out");
            }

            try
            {
                await synced;
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
            ? $"[green]Synced[/] {Markup.Escape(file.Name)} with {Markup.Escape(url.ToString())} in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {statistics.MessagesReceived} messages ({statistics.BytesReceived:N0} bytes) in, {statistics.MessagesSent} ({statistics.BytesSent:N0} bytes) out."
            : $"[red]Timed out[/] after {timeoutSeconds} s before the server confirmed it stored everything; what arrived is kept, run sync again to finish.");
        return done ? 0 : 1;
    }
}
