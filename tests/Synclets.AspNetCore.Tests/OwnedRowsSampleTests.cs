namespace Synclets.AspNetCore.Tests;

/// <summary>The per-user rules sample, run as a user would run it.</summary>
public sealed class OwnedRowsSampleTests
{
    [Fact]
    public async Task Each_user_holds_their_rows_and_the_shared_ones_and_a_write_to_anothers_is_refused()
    {
        var text = await SampleProcess.RunAsync("Synclets.Samples.OwnedRows");
        Assert.Contains("""ann holds {"ann:groceries":{"milk":"2 litres"},"shared:holidays":{"where":"the sea"}}""", text, StringComparison.Ordinal);
        Assert.Contains("""bob holds {"bob:todo":{"taxes":"file them"},"shared:holidays":{"where":"the sea"}}""", text, StringComparison.Ordinal);
        Assert.Contains("bob's write to ann's row was refused: 1 write(s)", text, StringComparison.Ordinal);
        Assert.Contains("ann's milk is still 2 litres.", text, StringComparison.Ordinal);
    }
}
