using System.Diagnostics;
using System.Net.WebSockets;

namespace Synclets.Package.Tests;

/// <summary>
/// The server of docs/server.md, as written there, built from the packed packages in a project of
/// its own, run as a process: a client connects (the snippet once answered HTTP 500, its data
/// folder never created), writes, and hears the server acknowledge that it stored the write.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class DocsServerSnippetTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "synclets-docs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_server_snippet_runs_from_the_packed_packages_and_stores_what_a_client_writes()
    {
        var feed = await LocalFeed.PackAsync(_work, "Synclets.Runtime", "Synclets.Sqlite", "Synclets.AspNetCore");
        var app = feed.NewApp("Server", "Microsoft.NET.Sdk.Web", null, "Synclets", "Synclets.Sqlite", "Synclets.AspNetCore");
        File.WriteAllText(Path.Combine(app, "Program.cs"), SnippetApps.FirstCSharpBlock(File.ReadAllText(Path.Combine(Processes.RepositoryRoot(), "docs", "server.md"))));
        var build = await Processes.RunAsync(app, "dotnet", "build", "-c", "Release");
        Assert.True(build.ExitCode == 0, build.Output);

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = app, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "run", "-c", "Release", "--no-build", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["XDG_DATA_HOME"] = Path.Combine(_work, "data-home"); // LocalApplicationData, so the snippet's folder is the test's.
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var server = Process.Start(start)!;
        try
        {
            var room = await SnippetApps.ListeningAsync(server, TimeSpan.FromSeconds(60)) + "/sync/notes";
            using var client = new ClientWebSocket();
            await client.ConnectAsync(new Uri(room.Replace("http://", "ws://", StringComparison.Ordinal)), CancellationToken.None);

            // A write, then a request for an acknowledgement: answered only once the write is committed.
            var packet = await SnippetApps.WriteAndAwaitAcknowledgementAsync(client);

            Assert.Contains("\"nonce1\"", packet, StringComparison.Ordinal);
            var dataHome = Path.Combine(_work, "data-home");
            Assert.True(File.Exists(Path.Combine(dataHome, "my-sync-server", "notes.db")), "the room's SQLite file is in the snippet's data folder; found: " + string.Join(", ", Directory.Exists(dataHome) ? Directory.GetFileSystemEntries(dataHome, "*", SearchOption.AllDirectories) : ["nothing"]));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }
}
