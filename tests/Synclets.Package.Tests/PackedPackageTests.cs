namespace Synclets.Package.Tests;

/// <summary>
/// Consumes the packed <c>Synclets</c> package from a local folder, as a user would: a new
/// project outside this repository references it, gets the generated store, runs it, and sees
/// the analyzer's diagnostics.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class PackedPackageTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "synclets-package-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_project_that_references_the_package_gets_the_generator_and_the_analyzers()
    {
        var feed = await LocalFeed.PackAsync(_work, "Synclets.Runtime");
        var app = feed.NewApp("App", "Microsoft.NET.Sdk", "Exe", "Synclets");
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Synclets;
            using Synclets.Connectors;

            await using var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2));
            var todos = Todo.CreateStore(synclet);
            await todos.UpsertAsync(new Todo("t1", "Ship it", Done: true));
            Console.WriteLine(await todos.GetAsync("t1"));
            await todos.UpsertAsync(new Todo("t0", "Plan it", Done: false));
            var open = await todos.Query().Where(TodoColumns.Done.EqualTo(false)).OrderBy(TodoColumns.Title).ToListAsync();
            Console.WriteLine("open: " + string.Join(", ", open.Select(todo => todo.Id)));

            // Depth 3, the docs' container of tables, and depth 1, a settings record: one case per shape.
            await using var workspaceSynclet = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3));
            var workspace = new Workspace(workspaceSynclet);
            await workspace.Todos.UpsertAsync(new Todo("t2", "In a workspace", Done: false));
            await workspace.Tags.UpsertAsync(new Tag("urgent", "red"));
            Console.WriteLine($"{await workspace.Todos.GetAsync("t2")} {await workspace.Tags.GetAsync("urgent")}");

            await using var settingsSynclet = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1));
            var settings = Settings.CreateStore(settingsSynclet);
            await settings.SetAsync(new Settings { Theme = "dark" });
            Console.WriteLine(await settings.GetAsync());

            [SyncTree(depth: 2)]
            [SyncIndex(nameof(Done), nameof(Title))]
            public partial record Todo([property: SyncKey] string Id, string Title, bool Done);

            [SyncTree(depth: 2)]
            public partial record Tag([property: SyncKey] string Name, string Color);

            [SyncTree(depth: 3)]
            public partial class Workspace
            {
                public partial SyncTable<Todo> Todos { get; }
                [SyncColumn("labels")] public partial SyncTable<Tag> Tags { get; }
            }

            [SyncTree(depth: 1)]
            public partial record Settings
            {
                public string Theme { get; init; } = "light";
                public int FontSize { get; init; } = 12;
            }
            """);

        var run = await Processes.RunAsync(app, "dotnet", "run");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Todo { Id = t1, Title = Ship it, Done = True }", run.Output, StringComparison.Ordinal);
        Assert.Contains("open: t0", run.Output, StringComparison.Ordinal);
        Assert.Contains("Todo { Id = t2, Title = In a workspace, Done = False } Tag { Name = urgent, Color = red }", run.Output, StringComparison.Ordinal);
        Assert.Contains("Settings { Theme = dark, FontSize = 12 }", run.Output, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(app, "Broken.cs"), """
            using Synclets;
            [SyncTree(depth: 2)]
            public record NotPartial(string Id);
            """);
        var build = await Processes.RunAsync(app, "dotnet", "build");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("SYNC001", build.Output, StringComparison.Ordinal);

        // A synclets.schema.txt next to the project reaches the analyzers with no setup: a shipped
        // column whose property is gone fails the build.
        File.Delete(Path.Combine(app, "Broken.cs"));
        File.WriteAllText(Path.Combine(app, "synclets.schema.txt"), "Todo.Id KEY\nTodo.Title TEXT\nTodo.Done INTEGER\nTodo.Due TEXT\n");
        var guarded = await Processes.RunAsync(app, "dotnet", "build");
        Assert.NotEqual(0, guarded.ExitCode);
        Assert.Contains("SYNC011", guarded.Output, StringComparison.Ordinal);
        Assert.Contains("Column 'Todo.Due' is listed in synclets.schema.txt", guarded.Output, StringComparison.Ordinal);
    }
}
