using System.Diagnostics;

namespace Synclets.Orleans.Tests;

/// <summary>The cluster sample, run as a user runs it: three nodes, a node killed and started again, nothing lost.</summary>
public sealed class ClusterSampleTests
{
    [Fact]
    public async Task The_sample_converges_through_a_killed_node_and_says_so()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ClusterSample.Dll());
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var text = await output + await errors;
        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("Killing node 3 (SIGKILL)", text, StringComparison.Ordinal);
        Assert.Contains("Nothing lost: all 53 tasks on every device", text, StringComparison.Ordinal);
        Assert.Contains("Room 'todos' lives on node 3", text, StringComparison.Ordinal);
    }
}

/// <summary>The cluster sample's program, built with the tests (not referenced): the demo, and the node processes of the cross-process tests.</summary>
internal static class ClusterSample
{
    public static string Dll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "Synclets.Orleans.Tests"), Path.Combine("samples", "Synclets.Samples.Cluster"), StringComparison.Ordinal), "Synclets.Samples.Cluster.dll");
        Assert.True(File.Exists(dll), $"the cluster sample is built with the tests, at {dll}");
        return dll;
    }
}
