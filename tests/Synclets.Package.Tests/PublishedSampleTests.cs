using System.Diagnostics;

namespace Synclets.Package.Tests;

/// <summary>
/// The main sample published trimmed and native AOT, then run: the runtime, the SQLite storage
/// and the server are trim- and AOT-safe, with no trim or AOT warning from our assemblies. (A
/// trimmed build once crashed opening a typed SQLite store: a mapper's anonymous parameters had
/// been trimmed away.)
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class PublishedSampleTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "synclets-published-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public Task The_main_sample_published_trimmed_runs_and_syncs() => PublishAndRunAsync("SampleTrimmed");

    [NativeAotFact]
    public Task The_main_sample_published_native_AOT_runs_and_syncs() => PublishAndRunAsync("SampleAot");

    private async Task PublishAndRunAsync(string switchName)
    {
        var publish = await Processes.RunAsync(Processes.RepositoryRoot(), "dotnet", "publish", "samples/Synclets.Samples.TodoSync", "-c", "Release", "-r", "linux-x64", $"-p:{switchName}=true", "-o", _output);
        Assert.True(publish.ExitCode == 0, publish.Output);
        var ours = publish.Output.Split('\n').Where(line => line.Contains("warning IL", StringComparison.Ordinal) && line.Contains("Synclets", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(ours.Count == 0, "Trim or AOT warnings from our assemblies:\n" + string.Join("\n", ours));

        var run = await Processes.RunAsync(_output, Path.Combine(_output, "Synclets.Samples.TodoSync"));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("All devices and the server hold the same tree (equal root hashes).", run.Output, StringComparison.Ordinal);
    }
}

/// <summary>The tests that build the repository's projects in Release: one at a time, as they share obj/ and bin/.</summary>
[CollectionDefinition(Name)]
public sealed class ReleaseBuilds
{
    public const string Name = "Release builds";
}

/// <summary>A fact that runs where a native-AOT publish can link (clang on the PATH), and is reported skipped, saying why, where it cannot.</summary>
public sealed class NativeAotFactAttribute : FactAttribute
{
    public NativeAotFactAttribute()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, "clang")));
        if (!OperatingSystem.IsLinux() || !onPath)
        {
            Skip = "A native-AOT publish needs clang and zlib's headers on Linux (apt-get install clang zlib1g-dev); .ci/run installs them.";
        }
    }
}
