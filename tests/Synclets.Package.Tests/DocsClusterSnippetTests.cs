using System.Diagnostics;
using System.Net.WebSockets;
using Npgsql;
using Synclets.PostgreSql.Tests;

namespace Synclets.Package.Tests;

/// <summary>
/// The cluster node of docs/cluster.md, as written there, built from the packed packages in a
/// project of its own and run as a process on a real PostgreSQL server, whose clustering tables
/// come from the script in the packed Synclets.Orleans package: a client connects, writes, and
/// hears the room's grain acknowledge that its PostgreSQL store committed the write.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class DocsClusterSnippetTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "synclets-cluster-docs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [PostgresFact]
    public async Task The_cluster_node_snippet_runs_from_the_packed_packages_and_stores_what_a_client_writes()
    {
        var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        try
        {
            var feed = await LocalFeed.PackAsync(_work, "Synclets.Runtime", "Synclets.PostgreSql", "Synclets.AspNetCore", "Synclets.Orleans");
            var app = feed.NewApp("Node", "Microsoft.NET.Sdk.Web", null, "Synclets.PostgreSql", "Synclets.Orleans");
            var project = Path.Combine(app, "Node.csproj");
            const string Clustering = "<PackageReference Include=\"Microsoft.Orleans.Clustering.AdoNet\" Version=\"10.4.2\" />";
            File.WriteAllText(project, File.ReadAllText(project).Replace("</ItemGroup>", Clustering + "</ItemGroup>", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(app, "Program.cs"), SnippetApps.FirstCSharpBlock(File.ReadAllText(Path.Combine(Processes.RepositoryRoot(), "docs", "cluster.md"))));
            var build = await Processes.RunAsync(app, "dotnet", "build", "-c", "Release");
            Assert.True(build.ExitCode == 0, build.Output);

            // The operator's step: the clustering tables, from the script the package carries.
            var script = Directory.GetFiles(Path.Combine(_work, "packages", "synclets.orleans"), "orleans-clustering-postgresql.sql", SearchOption.AllDirectories).Single();
            await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand(await File.ReadAllTextAsync(script), connection);
                await create.ExecuteNonQueryAsync();
            }

            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = app, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "run", "-c", "Release", "--no-build", "--urls", "http://127.0.0.1:0" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["ConnectionStrings__cluster"] = postgres.ConnectionString;
            start.Environment["ConnectionStrings__rooms"] = postgres.ConnectionString;
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var node = Process.Start(start)!;
            try
            {
                var room = await SnippetApps.ListeningAsync(node, TimeSpan.FromSeconds(90)) + "/sync/notes";
                using var client = new ClientWebSocket();
                await client.ConnectAsync(new Uri(room.Replace("http://", "ws://", StringComparison.Ordinal)), CancellationToken.None);
                var packet = await SnippetApps.WriteAndAwaitAcknowledgementAsync(client);

                Assert.Contains("\"nonce1\"", packet, StringComparison.Ordinal);
                await using var connection = new NpgsqlConnection(postgres.ConnectionString);
                await connection.OpenAsync();
                await using var members = new NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3", connection);
                Assert.Equal(1L, await members.ExecuteScalarAsync()); // The node joined the cluster through the table.
                await using var stored = new NpgsqlCommand("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'room_notes'", connection);
                Assert.Equal(1L, await stored.ExecuteScalarAsync());
            }
            finally
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
            }
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }
}
