using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// .NET synclets sync through a broker written in JavaScript from docs/protocol.md, not through ours:
/// the client transport needs nothing of our server but the protocol (random connection ids,
/// readdressed packets, plain text frames).
/// </summary>
public sealed class JavaScriptBrokerTests
{
    private const int Rows = 500;

    [NodeFact]
    public async Task Dotnet_synclets_sync_through_a_JavaScript_broker_initial_sync_and_live_changes()
    {
        await using var broker = await JavaScriptBroker.StartAsync();
        await using var laptop = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(broker.Uri), new SyncletOptions { Id = "laptop" });
        await using var phone = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(broker.Uri), new SyncletOptions { Id = "phone" });

        // Enough text beyond ASCII that the laptop's reply streams in several messages, each in
        // several 32 Ki fragments whose frames take the 64-bit length form.
        for (var row = 0; row < Rows; row++)
        {
            for (var column = 0; column < 10; column++)
            {
                await laptop.SetAtomAsync([$"r{row}", $"c{column}"], $"crème brûlée ✓ {row}-{column} {new string('✓', 80)}");
            }
        }

        var phoneHasAll = Received(phone, Rows * 10);
        await laptop.StartAsync();
        await phone.StartAsync();
        await phoneHasAll.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((await laptop.GetDataAsync()).ToJsonString(), (await phone.GetDataAsync()).ToJsonString());
        Assert.True(phone.Statistics.MessagesReceived > 1, "the laptop's reply streamed in several messages");

        var laptopHasIt = Received(laptop, 1);
        await phone.SetAtomAsync(["r0", "c0"], "from the phone");
        await laptopHasIt.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("from the phone", (await laptop.GetAtomAsync(["r0", "c0"])).AsString());
    }

    /// <summary>Completes once <paramref name="synclet"/> has applied <paramref name="count"/> atoms from its peers.</summary>
    private static Task Received(Synclet synclet, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = 0;
        synclet.AtomsChanged += (_, changes) =>
        {
            if (Interlocked.Add(ref seen, changes.Changes.Count) >= count)
            {
                done.TrySetResult();
            }
        };
        return done.Task;
    }
}
