using Spectre.Console;

namespace Synclets.Cli;

/// <summary>
/// What <c>synclets sync</c> draws: the server's change feed as a bar (atoms received of the total
/// it announced, from <see cref="Synclet.Progress"/>, raised on the synclet's loop and read here on
/// the console's), or, before its first batch or from a server that syncs by hashes alone, the
/// messages and bytes that moved. Where the output is not a terminal (a pipe, a CI log), where
/// a bar cannot be redrawn, it writes a line at each tenth of the feed instead.
/// </summary>
internal sealed class FeedProgress
{
    private long _received;
    private long _expected;
    private long _fed;
    private int _linesWritten = -1; // The last tenth written as a line, off a terminal.

    public FeedProgress(Synclet synclet) => synclet.Progress += (_, progress) =>
    {
        Interlocked.Exchange(ref _received, progress.Received);
        Interlocked.Exchange(ref _expected, progress.Expected);
        if (progress.Completed)
        {
            Interlocked.Add(ref _fed, progress.Received);
        }
    };

    /// <summary>For the summary line: the atoms the feeds brought, or nothing when none came.</summary>
    public string Summary => Interlocked.Read(ref _fed) is > 0 and var fed ? $", {fed:N0} atoms from the server's change feed" : string.Empty;

    public void Show(ProgressTask bar, SyncletStatistics statistics)
    {
        var expected = Interlocked.Read(ref _expected);
        if (expected > 0)
        {
            var received = Math.Min(Interlocked.Read(ref _received), expected);
            bar.IsIndeterminate = false;
            bar.MaxValue = expected;
            bar.Value = received;
            bar.Description = $"Syncing: {received:N0} of {expected:N0} atoms";
            var tenth = (int)(received * 10 / expected);
            if (!AnsiConsole.Profile.Capabilities.Interactive && tenth > _linesWritten)
            {
                _linesWritten = tenth;
                AnsiConsole.WriteLine($"{bar.Description} ({received * 100 / expected}%)");
            }
        }
        else
        {
            bar.Description = $"Syncing: {statistics.MessagesReceived} messages ({statistics.BytesReceived:N0} bytes) in, {statistics.MessagesSent} out";
        }
    }
}
