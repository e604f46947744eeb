using System.Diagnostics;
using Synclets.AspNetCore;
using Synclets.Sqlite;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// A sync server (a SQLite store per room, as <c>synclets serve</c> keeps) in a process of its
/// own, so that its memory is its own and its threads are not the clients'. The child is this
/// program started with <c>room-server</c>: it prints its address, then serves until its standard
/// input closes.
/// </summary>
internal sealed class RoomServerProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "listening ";
    private readonly Process _process;

    private RoomServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>The server's base address, ws://127.0.0.1:port.</summary>
    public Uri Address { get; }

    /// <summary>The server process's resident memory now, in bytes.</summary>
    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>The most resident memory the server process has had, in bytes.</summary>
    public long PeakWorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <param name="typed">Rooms keep typed <see cref="WideRow"/> tables instead of the generic layout.</param>
    /// <param name="serverGc">Runs the child with the server garbage collector, ASP.NET Core's default for web apps.</param>
    public static async Task<RoomServerProcess> StartAsync(bool typed = false, bool serverGc = false)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(RoomServerProcess).Assembly.Location);
        start.ArgumentList.Add("room-server");
        if (typed)
        {
            start.ArgumentList.Add("typed");
        }

        if (serverGc)
        {
            start.Environment["DOTNET_gcServer"] = "1";
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the room server process.");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The room server did not start: {line}{await process.StandardError.ReadToEndAsync()}");
        }

        return new RoomServerProcess(process, new Uri(line[ReadyPrefix.Length..]));
    }

    /// <summary>The child's side: serves SQLite store rooms (typed <see cref="WideRow"/> tables with <paramref name="typed"/>) until standard input closes.</summary>
    public static async Task<int> ServeAsync(bool typed)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-room-server-");
        try
        {
            await using var server = await WebSocketScenarios.StartServerAsync(activity: null, async (room, cancellationToken) =>
            {
                var path = Path.Combine(folder.FullName, room + ".db");
                if (typed)
                {
                    var wide = await TypedSqliteStore.OpenAsync<WideRow>(path, cancellationToken);
                    return new RoomStorage(wide, wide, wide);
                }

                var store = await SqliteStore.OpenAsync(path, 2, cancellationToken: cancellationToken);
                return new RoomStorage(store.Data, store.Meta, store);
            });
            Console.WriteLine(ReadyPrefix + server.BaseUri());
            await Console.In.ReadToEndAsync();
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
