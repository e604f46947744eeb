using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Synclets.Package.Tests;

/// <summary>
/// The server of docs/server.md, as written there, built from the packed packages in a project of
/// its own, run as a process: a client connects (the snippet once answered HTTP 500, its data
/// folder never created), writes, and hears the server acknowledge that it stored the write.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed partial class DocsServerSnippetTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "synclets-docs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_server_snippet_runs_from_the_packed_packages_and_stores_what_a_client_writes()
    {
        var feed = await LocalFeed.PackAsync(_work, "Synclets.Runtime", "Synclets.Sqlite", "Synclets.AspNetCore");
        var app = feed.NewApp("Server", "Microsoft.NET.Sdk.Web", null, "Synclets", "Synclets.Sqlite", "Synclets.AspNetCore");
        File.WriteAllText(Path.Combine(app, "Program.cs"), FirstCSharpBlock(File.ReadAllText(Path.Combine(Processes.RepositoryRoot(), "docs", "server.md"))));
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
            var room = await ListeningAsync(server) + "/sync/notes";
            using var client = new ClientWebSocket();
            await client.ConnectAsync(new Uri(room.Replace("http://", "ws://", StringComparison.Ordinal)), CancellationToken.None);

            // A write, then a request for an acknowledgement: answered only once the write is committed.
            await SendAsync(client, "* AAAAAAAAAAAAAAAA 0 1 [1,0,2,[\"note1\",\"text\"],[\"OhqqeV-----BT7zq\",\"hello\"],{}]");
            await SendAsync(client, "* BBBBBBBBBBBBBBBB 0 1 [1,0,2,[],0,{\"\uFFFAack\":\"nonce1\"}]");
            string packet;
            do
            {
                packet = await ReceiveAsync(client).WaitAsync(TimeSpan.FromSeconds(60));
            }
            while (!packet.Contains("\uFFFAacked", StringComparison.Ordinal));

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

    private static string FirstCSharpBlock(string markdown) => CSharpBlock().Match(markdown).Groups[1].Value;

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>The address from the server's "Now listening on: ..." line: the signal that it is ready.</summary>
    private static async Task<string> ListeningAsync(Process server)
    {
        while (await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            if (line.Contains("Now listening on: ", StringComparison.Ordinal))
            {
                return line[(line.IndexOf("Now listening on: ", StringComparison.Ordinal) + "Now listening on: ".Length)..].Trim();
            }
        }

        throw new InvalidOperationException("The server ended before it listened: " + await server.StandardError.ReadToEndAsync());
    }

    private static Task SendAsync(ClientWebSocket socket, string packet) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1 << 16];
        var text = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage)
            {
                return text.ToString();
            }
        }
    }
}
