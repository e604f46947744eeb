using Microsoft.Extensions.Logging;
using Synclets.Connectors;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Tests.Engine;

/// <summary>Log lines a person can read: reserved ids escaped, the synclet named, and Debug and Trace lines for those who want them.</summary>
public class LogLineTests
{
    [Fact]
    public async Task The_server_id_is_logged_as_an_escape_not_as_an_invisible_character()
    {
        var logs = new TestLoggerFactory();
        await using (var server = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1), new MemoryPool().CreateTransport(), new SyncletOptions { Id = Ids.ServerId, LoggerFactory = logs }))
        {
            await server.StartAsync();
        }

        Assert.Contains(logs.Entries, entry => entry.Text.Contains("Synclet \\uFFFAs started", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, entry => entry.Text.Contains(Ids.ReservedPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Messages_handled_and_sent_are_logged_at_Debug_and_Trace()
    {
        var logs = new TestLoggerFactory();
        var pool = new MemoryPool();
        await using var a = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1), pool.CreateTransport(), new SyncletOptions { Id = "a", LoggerFactory = logs });
        await using var b = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1), pool.CreateTransport(), new SyncletOptions { Id = "b" });
        await a.StartAsync();
        await b.StartAsync();
        await b.SetAtomAsync(["x"], 1);
        await Quiescence.WaitAsync(a, b, pool);

        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Debug && entry.Text.StartsWith("Synclet a handles a message of", StringComparison.Ordinal) && entry.Text.EndsWith("from b.", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Trace && entry.Text.StartsWith("Synclet a sends a message of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_that_starts_offline_says_which_synclet_it_is()
    {
        var logs = new TestLoggerFactory();
        await using var client = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1), new WebSocketTransport(new Uri("ws://127.0.0.1:9/sync/none")), new SyncletOptions { Id = "phone", LoggerFactory = logs });
        await client.StartAsync();
        Assert.Contains(logs.Warnings, warning => warning.StartsWith("Synclet phone could not connect to ws://127.0.0.1:9/sync/none", StringComparison.Ordinal));
    }
}
