using System.Diagnostics;

namespace Synclets.Package.Tests;

/// <summary>
/// Packages packed from this repository into a folder, and an app folder that restores from it,
/// as a user consumes them: a fresh version each time, so no cached build of the same number is used.
/// </summary>
internal sealed class LocalFeed
{
    private LocalFeed(string work, string version)
    {
        Work = work;
        Folder = Path.Combine(work, "feed");
        Version = version;
    }

    public string Work { get; }

    public string Folder { get; }

    public string Version { get; }

    /// <summary>Packs <paramref name="projects"/> (folders under src/) into a new feed below <paramref name="work"/>.</summary>
    public static async Task<LocalFeed> PackAsync(string work, params string[] projects)
    {
        var feed = new LocalFeed(work, "0.0.1-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var project in projects)
        {
            var pack = await Processes.RunAsync(Processes.RepositoryRoot(), "dotnet", "pack", $"src/{project}", "-c", "Release", "-o", feed.Folder, $"-p:Version={feed.Version}");
            Assert.True(pack.ExitCode == 0, pack.Output);
        }

        return feed;
    }

    /// <summary>A new app folder whose project (<paramref name="sdk"/>, <paramref name="outputType"/>) references <paramref name="packages"/> from this feed.</summary>
    public string NewApp(string name, string sdk, string? outputType, params string[] packages)
    {
        var app = Path.Combine(Work, name);
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Folder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        var references = string.Concat(packages.Select(package => $"""
                <PackageReference Include="{package}" Version="{Version}" />

            """));
        File.WriteAllText(Path.Combine(app, name + ".csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                {(outputType is null ? string.Empty : $"<OutputType>{outputType}</OutputType>")}
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(Work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        return app;
    }
}

/// <summary>Runs a process to its end, with its output and errors as one text.</summary>
internal static class Processes
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        return (process.ExitCode, await output + await error);
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Synclets.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Synclets.sln not found above " + AppContext.BaseDirectory);
    }
}
