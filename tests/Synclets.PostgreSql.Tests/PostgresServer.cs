using System.Diagnostics;
using Npgsql;
using Synclets.Tests.Support;

namespace Synclets.PostgreSql.Tests;

/// <summary>
/// A real PostgreSQL server for the tests: the one <c>SYNCLETS_POSTGRES</c> names (a connection
/// string), or a throwaway one started here from the installed binaries (<c>initdb</c> into a
/// temporary folder, <c>pg_ctl</c> on a free loopback port, as <c>nobody</c> when the tests run as
/// root, which PostgreSQL refuses), stopped and deleted at the end. One per test run.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly Lazy<string?> BinFolder = new(FindBinaries);
    private string? _dataFolder;
    private int _schemas;

    /// <summary>True when a server can be had: named by the environment, or startable from binaries found here.</summary>
    public static bool IsAvailable => Environment.GetEnvironmentVariable("SYNCLETS_POSTGRES") is { Length: > 0 } || BinFolder.Value is not null;

    /// <summary>CI sets this: there the PostgreSQL tests must run, so a missing server fails them instead of skipping.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable("SYNCLETS_POSTGRES_REQUIRED") == "1";

    public static string WhyMissing => "No PostgreSQL: set SYNCLETS_POSTGRES to a connection string, or install the server (Debian: apt-get install postgresql; binaries in /usr/lib/postgresql/N/bin).";

    /// <summary>The connection string of the server's test database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>A schema name no other test uses.</summary>
    public string NewSchema() => $"t{Environment.ProcessId}_{Interlocked.Increment(ref _schemas)}";

    /// <summary>Ends a server session as a crash or a network drop would (<c>pg_terminate_backend</c>); true when there was one to end.</summary>
    public async Task<bool> TerminateSessionAsync(int processId)
    {
        await using var admin = new NpgsqlConnection(ConnectionString);
        await admin.OpenAsync();
        await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend({processId})", admin);
        return await terminate.ExecuteScalarAsync() is true;
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("SYNCLETS_POSTGRES") is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }

        var bin = BinFolder.Value ?? throw new InvalidOperationException(WhyMissing);
        _dataFolder = Path.Combine(Path.GetTempPath(), "synclets-pg-" + Guid.NewGuid().ToString("N"));
        var port = FreePorts.Next();
        await RunAsync(bin, "initdb", "-D", _dataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        // Durability is not what these tests measure: fsync off keeps the suite fast. pg_ctl -w
        // returns when the server accepts connections (its own readiness signal, not a sleep).
        var settings = $"-p {port} -k {_dataFolder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200";
        await RunAsync(bin, "pg_ctl", "-D", _dataFolder, "-l", Path.Combine(_dataFolder, "server.log"), "-o", settings, "-w", "-t", "60", "start");
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Include Error Detail=true";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dataFolder is null)
        {
            return;
        }

        await RunAsync(BinFolder.Value!, "pg_ctl", "-D", _dataFolder, "-m", "immediate", "-w", "stop");
        Directory.Delete(_dataFolder, recursive: true);
    }

    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("SYNCLETS_POSTGRES_BIN") is { Length: > 0 } bin)
        {
            return bin;
        }

        const string Root = "/usr/lib/postgresql";
        return Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Select(version => Path.Combine(version, "bin")).Where(folder => File.Exists(Path.Combine(folder, "initdb"))).OrderByDescending(folder => folder, StringComparer.Ordinal).FirstOrDefault()
            : null;
    }


    /// <summary>Runs a PostgreSQL program, as nobody when we are root; throws with its output when it fails.</summary>
    private static async Task RunAsync(string bin, string program, params string[] arguments)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : Path.Combine(bin, program)) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        if (asRoot)
        {
            foreach (var argument in new[] { "-u", "nobody", "--", Path.Combine(bin, program) })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }
}

/// <summary>The tests that share one server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>A fact that needs PostgreSQL: skipped, saying why, where there is none, except in CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.IsAvailable && !PostgresServer.IsRequired)
        {
            Skip = PostgresServer.WhyMissing;
        }
    }
}

/// <summary>A theory that needs PostgreSQL: skipped, saying why, where there is none, except in CI.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (!PostgresServer.IsAvailable && !PostgresServer.IsRequired)
        {
            Skip = PostgresServer.WhyMissing;
        }
    }
}
