// Two synclets, a laptop and a phone, keep a small table of todos in sync over an in-memory
// transport. Each one edits while the other is offline; on reconnect both converge, last writer
// wins per cell, so the two edits to different fields of one row both survive.
using Synclets;
using Synclets.Connectors;
using Synclets.Protocol;
using Synclets.Transports;

const int Depth = 2; // [rowId, column] -> atom: one table.
var pool = new MemoryPool();
var hooks = new PrintingHooks();

await using var laptop = NewSynclet("laptop");
await using var phone = NewSynclet("phone");

await laptop.StartAsync();
await phone.StartAsync();

Console.WriteLine("1. The laptop adds a todo while both are online.");
await laptop.SetAtomAsync(["todo1", "title"], "Buy milk");
await laptop.SetAtomAsync(["todo1", "done"], false);
await SettleAsync();
await PrintAsync();

Console.WriteLine("2. The phone goes offline; both edit different fields of the same todo.");
await phone.StopAsync();
await phone.SetAtomAsync(["todo1", "done"], true);
await laptop.SetAtomAsync(["todo1", "title"], "Buy oat milk");
await SettleAsync();
await PrintAsync();

Console.WriteLine("3. The phone comes back: both edits survive, because merge is per cell.");
await phone.StartAsync();
await SettleAsync();
await PrintAsync();

Synclet NewSynclet(string id) =>
    new(new MemoryDataConnector(Depth), new MemoryMetaConnector(Depth), pool.CreateTransport(), new SyncletOptions { Id = id, Hooks = hooks });

Task SettleAsync() => Quiescence.WaitAsync(laptop, phone, pool);

async Task PrintAsync()
{
    Console.WriteLine($"   laptop: {await laptop.GetDataAsync()}".ReplaceLineEndings(" "));
    Console.WriteLine($"   phone:  {await phone.GetDataAsync()}".ReplaceLineEndings(" "));
    Console.WriteLine();
}

/// <summary>Prints every message as it leaves a synclet, to show the protocol at work.</summary>
internal sealed class PrintingHooks : SyncletHooks
{
    public override SyncletHookUses Uses => SyncletHookUses.SentMessages; // an observer of what is sent, no read rules

    public override void OnSendMessage(Message message, string recipient) =>
        Console.WriteLine($"   -> {recipient,-6} {MessageWriter.Write(message)}");
}
