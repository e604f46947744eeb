using System.Diagnostics;

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
        var feed = Path.Combine(_work, "feed");
        var app = Path.Combine(_work, "app");
        Directory.CreateDirectory(app);
        var version = "0.1.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var pack = await DotnetAsync(RepositoryRoot(), "pack", "src/Synclets.Runtime", "-c", "Release", "-o", feed, $"-p:Version={version}");
        Assert.True(pack.ExitCode == 0, pack.Output);

        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Synclets" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Synclets;
            using Synclets.Connectors;

            await using var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2));
            var todos = Todo.CreateStore(synclet);
            await todos.UpsertAsync(new Todo("t1", "Ship it", Done: true));
            Console.WriteLine(await todos.GetAsync("t1"));

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

        var run = await DotnetAsync(app, "run");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Todo { Id = t1, Title = Ship it, Done = True }", run.Output, StringComparison.Ordinal);
        Assert.Contains("Todo { Id = t2, Title = In a workspace, Done = False } Tag { Name = urgent, Color = red }", run.Output, StringComparison.Ordinal);
        Assert.Contains("Settings { Theme = dark, FontSize = 12 }", run.Output, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(app, "Broken.cs"), """
            using Synclets;
            [SyncTree(depth: 2)]
            public record NotPartial(string Id);
            """);
        var build = await DotnetAsync(app, "build");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("SYNC001", build.Output, StringComparison.Ordinal);

        // A synclets.schema.txt next to the project reaches the analyzers with no setup: a shipped
        // column whose property is gone fails the build.
        File.Delete(Path.Combine(app, "Broken.cs"));
        File.WriteAllText(Path.Combine(app, "synclets.schema.txt"), "Todo.Id KEY\nTodo.Title TEXT\nTodo.Done INTEGER\nTodo.Due TEXT\n");
        var guarded = await DotnetAsync(app, "build");
        Assert.NotEqual(0, guarded.ExitCode);
        Assert.Contains("SYNC011", guarded.Output, StringComparison.Ordinal);
        Assert.Contains("Column 'Todo.Due' is listed in synclets.schema.txt", guarded.Output, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Synclets.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Synclets.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output)> DotnetAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output + await error);
    }
}
