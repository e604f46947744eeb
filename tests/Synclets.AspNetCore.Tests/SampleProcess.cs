using System.Diagnostics;

namespace Synclets.AspNetCore.Tests;

/// <summary>Runs a sample as a user would, a process of its own (the samples are built with the tests, not referenced).</summary>
public static class SampleProcess
{
    /// <summary>Runs <c>samples/NAME</c> to its end; asserts it exits with 0 and returns what it printed.</summary>
    public static async Task<string> RunAsync(string name)
    {
        var sample = Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "Synclets.AspNetCore.Tests"), Path.Combine("samples", name), StringComparison.Ordinal), name + ".dll");
        Assert.True(File.Exists(sample), $"the sample is built with the tests, at {sample}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(sample);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await output + await errors;
        Assert.True(process.ExitCode == 0, text);
        return text;
    }
}
