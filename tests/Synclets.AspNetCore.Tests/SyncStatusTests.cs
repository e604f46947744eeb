using System.Threading.Channels;
using Synclets.Connectors;
using Synclets.Transports;
using Synclets.Tests.Support;

namespace Synclets.AspNetCore.Tests;

/// <summary>An app sees offline, connecting, syncing and in sync, and hears of writes the server refused.</summary>
public sealed class SyncStatusTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_status_follows_the_connection_and_the_acknowledgements()
    {
        var port = FreePorts.Next();
        var transport = new WebSocketTransport(new Uri($"ws://127.0.0.1:{port}/sync/status"), new WebSocketTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50) });
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), transport, new SyncletOptions { Id = "app", AcknowledgementRetry = TimeSpan.FromMilliseconds(500) });
        await using var status = new SyncStatusMonitor(client, transport);
        var seen = Channel.CreateUnbounded<SyncStatus>();
        status.StatusChanged += (_, now) => seen.Writer.TryWrite(now);
        Assert.Equal(SyncStatus.Offline, status.Status);

        await client.StartAsync(); // No server yet.
        await status.WhenStatusAsync(SyncStatus.Connecting).WaitAsync(Patience);
        await client.SetAtomAsync(["note", "text"], "written offline");

        await using var host = await BrokerHost.StartAsync(stores: 2, port: port, shared: false);
        await status.WhenStatusAsync(SyncStatus.InSync).WaitAsync(Patience);
        Assert.Equal("written offline", (await host.Broker.GetRoomStore("status")!.GetAtomAsync(["note", "text"])).AsString());
        Assert.Equal([SyncStatus.Connecting, SyncStatus.Syncing, SyncStatus.InSync], Drain(seen));

        // A change: syncing, then in sync again once the server acknowledged it.
        await client.SetAtomAsync(["note", "text"], "edited online");
        Assert.Equal(SyncStatus.Syncing, await seen.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(SyncStatus.InSync, await seen.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("edited online", (await host.Broker.GetRoomStore("status")!.GetAtomAsync(["note", "text"])).AsString());

        await client.StopAsync();
        await status.WhenStatusAsync(SyncStatus.Offline).WaitAsync(Patience);
    }

    [Fact]
    public async Task A_write_the_server_refuses_reaches_the_writer_as_an_event_and_an_error()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, options => options.HooksFactory = (_, _) => new LockedRows(), shared: false);
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(host.Room("rules")), new SyncletOptions { Id = "writer" });
        var refused = new TaskCompletionSource<WritesRefusedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.WritesRefused += (_, e) => refused.TrySetResult(e);
        await client.StartAsync();

        await client.SetAtomAsync(["open", "text"], "allowed");
        await client.SetAtomAsync(["locked", "text"], "refused");
        var error = await Assert.ThrowsAsync<WritesRefusedException>(() => client.WhenStoredAsync().WaitAsync(Patience));

        Assert.Equal(1, error.Refused.Count);
        Assert.Contains("[\"locked\",\"text\"]", error.Message, StringComparison.Ordinal);
        Assert.Equal(Ids.ServerId, (await refused.Task.WaitAsync(Patience)).Peer);
        Assert.Equal("""{"open":{"text":"allowed"}}""", (await host.Broker.GetRoomStore("rules")!.GetDataAsync()).ToJsonString());
    }

    private static List<SyncStatus> Drain(Channel<SyncStatus> seen)
    {
        var statuses = new List<SyncStatus>();
        while (seen.Reader.TryRead(out var status))
        {
            statuses.Add(status);
        }

        return statuses;
    }


    private sealed class LockedRows : SyncletHooks
    {
        public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult(address[0] != "locked");
    }
}
