using System.Diagnostics;

namespace Synclets.AspNetCore.Tests;

/// <summary>The per-user rules sample, run as a user would run it.</summary>
public sealed class OwnedRowsSampleTests
{
    [Fact]
    public async Task Each_user_holds_their_rows_and_the_shared_ones_and_a_write_to_anothers_is_refused()
    {
        var sample = Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "Synclets.AspNetCore.Tests"), Path.Combine("samples", "Synclets.Samples.OwnedRows"), StringComparison.Ordinal), "Synclets.Samples.OwnedRows.dll");
        Assert.True(File.Exists(sample), $"the sample is built with the tests, at {sample}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(sample);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await output + await errors;

        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("""ann holds {"ann:groceries":{"milk":"2 litres"},"shared:holidays":{"where":"the sea"}}""", text, StringComparison.Ordinal);
        Assert.Contains("""bob holds {"bob:todo":{"taxes":"file them"},"shared:holidays":{"where":"the sea"}}""", text, StringComparison.Ordinal);
        Assert.Contains("bob's write to ann's row was refused: 1 write(s)", text, StringComparison.Ordinal);
        Assert.Contains("ann's milk is still 2 litres.", text, StringComparison.Ordinal);
    }
}
