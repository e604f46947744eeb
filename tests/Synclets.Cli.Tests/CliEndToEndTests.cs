using System.Diagnostics;
using Synclets.Sqlite;

namespace Synclets.Cli.Tests;

/// <summary>The synclets tool as a user runs it: serve in one process, sync and inspect in others, with SQLite files.</summary>
public sealed class CliEndToEndTests : IDisposable
{
    private static readonly string Tool = Path.Combine(AppContext.BaseDirectory.Replace("Synclets.Cli.Tests", "Synclets.Cli", StringComparison.Ordinal).Replace(Path.Combine("tests", "Synclets.Cli"), Path.Combine("src", "Synclets.Cli"), StringComparison.Ordinal), "synclets.dll");
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-cli-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Serve_sync_and_inspect_against_each_other()
    {
        Assert.True(File.Exists(Tool), $"the tool is not built at {Tool}");
        var laptop = Path.Combine(_folder, "laptop.db");
        await using (var store = await SqliteStore.OpenAsync(laptop, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomsAsync(["t1"], [KeyValuePair.Create("title", (Atom)"Ship the CLI"), KeyValuePair.Create("done", (Atom)false)]);
        }

        using var server = Start("serve", "--urls", "http://127.0.0.1:0", "--data", Path.Combine(_folder, "server"));
        try
        {
            // The server says where it listens: that line is the signal that it is ready.
            string? line;
            while ((line = await server.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            var room = line["Listening on ".Length..line.IndexOf("/sync/", StringComparison.Ordinal)] + "/sync/todos";

            var up = await RunAsync("sync", laptop, room);
            Assert.True(up.ExitCode == 0, up.Output);
            Assert.Contains("Synced laptop.db", up.Output, StringComparison.Ordinal);

            var phone = Path.Combine(_folder, "phone.db");
            var down = await RunAsync("sync", phone, room);
            Assert.True(down.ExitCode == 0, down.Output);

            var inspect = await RunAsync("inspect", phone);
            Assert.True(inspect.ExitCode == 0, inspect.Output);
            Assert.Contains("depth 2, 2 atoms", inspect.Output, StringComparison.Ordinal);
            Assert.Contains("Ship the CLI", inspect.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_folder, "server", "todos.db")), "the server keeps the room in its data folder");
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_does_not_watch_its_working_folder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Counted through /proc: Linux only.
        }

        // The data folder is under the working folder, as with the default --data. A configuration
        // watcher on the working folder would see every SQLite write.
        using var server = Start("serve", "--urls", "http://127.0.0.1:0");
        try
        {
            string? line;
            while ((line = await server.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            Assert.True(Directory.Exists(Path.Combine(_folder, "synclets-data")), "the default data folder is in the working folder");
            var watches = Directory.GetFiles($"/proc/{server.Id}/fdinfo")
                .Sum(file => File.ReadLines(file).Count(entry => entry.StartsWith("inotify wd:", StringComparison.Ordinal)));
            Assert.Equal(0, watches);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("sync x.db http://not-a-websocket", "is not a WebSocket URL")]
    [InlineData("inspect missing.db", "holds no Synclets store")]
    [InlineData("serve --depth 0", "--depth must be at least 1")]
    public async Task Bad_arguments_get_a_clear_error(string arguments, string message)
    {
        var result = await RunAsync(arguments.Split(' '));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_has_help()
    {
        foreach (var command in new[] { "serve", "sync", "inspect" })
        {
            var help = await RunAsync(command, "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
        }
    }

    private Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["COLUMNS"] = "200";
        return Process.Start(start)!;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }
}
