// The main sample: a typed todo list (a generated store) on an embedded SQLite file per device,
// synced through a WebSocket server (in this process) that keeps its own SQLite copy. Devices
// edit online and offline; when they reconnect, everything converges, last writer wins per
// field, so two edits to different fields of one todo both survive.
using Synclets;
using Synclets.AspNetCore;
using TodoSync;

var dataFolder = Path.Combine(Path.GetTempPath(), "synclets-todo-sample");
if (Directory.Exists(dataFolder))
{
    Directory.Delete(dataFolder, recursive: true);
}

Directory.CreateDirectory(dataFolder);
var activity = new InProcessWire();
await using var server = await SyncServer.StartAsync(dataFolder, activity);
var room = new Uri(server.BaseUri, "/sync/family-todos");
Console.WriteLine($"Sync server on {server.BaseUri}, room 'family-todos'; SQLite files in {dataFolder}");
Console.WriteLine();

await using var laptop = await Replica.OpenAsync("laptop", dataFolder, room, activity);
await using var phone = await Replica.OpenAsync("phone", dataFolder, room, activity);
await using var tablet = await Replica.OpenAsync("tablet", dataFolder, room, activity);
Replica[] replicas = [laptop, phone, tablet];
foreach (var replica in replicas)
{
    await replica.Synclet.StartAsync();
}

await StepAsync("1. Online, the laptop adds three todos; they reach every device.", async () =>
{
    await laptop.Todos.UpsertAsync(new Todo("milk", "Buy milk", Done: false, Due: null));
    await laptop.Todos.UpsertAsync(new Todo("taxes", "File taxes", Done: false, Due: new DateOnly(2027, 4, 15)));
    await laptop.Todos.UpsertAsync(new Todo("plants", "Water the plants", Done: false, Due: null));
});

await StepAsync("2. The phone goes offline and ticks 'Buy milk'; the laptop renames it; the tablet deletes 'Water the plants'.", async () =>
{
    await phone.Synclet.StopAsync();
    var milk = (await phone.Todos.GetAsync("milk"))!;
    await phone.Todos.UpsertAsync(milk with { Done = true });
    var laptopMilk = (await laptop.Todos.GetAsync("milk"))!;
    await laptop.Todos.UpsertAsync(laptopMilk with { Title = "Buy oat milk" });
    await tablet.Todos.DeleteAsync("plants");
});

await StepAsync("3. The phone comes back online: both edits to 'milk' survive (merge is per field), the deletion syncs.", async () =>
{
    await phone.Synclet.StartAsync();
});

await StepAsync("4. Offline on both sides, the laptop and the tablet set the same field: the later write wins.", async () =>
{
    await laptop.Synclet.StopAsync();
    await tablet.Synclet.StopAsync();
    var taxes = (await laptop.Todos.GetAsync("taxes"))!;
    await laptop.Todos.UpsertAsync(taxes with { Due = new DateOnly(2027, 4, 1) });
    await Task.Delay(5); // Only so the two offline edits get visibly different timestamps.
    await tablet.Todos.UpsertAsync(taxes with { Due = new DateOnly(2027, 4, 10) });
    await laptop.Synclet.StartAsync();
    await tablet.Synclet.StartAsync();
});

var serverCopy = server.Broker.GetRoomStore("family-todos")!;
var serverTodos = await Todo.CreateStore(serverCopy).ListAsync();
Console.WriteLine($"  server  (SQLite)  {string.Join("  |  ", serverTodos.Select(Replica.Describe))}");
var hashes = await Task.WhenAll(replicas.Select(r => r.Synclet.GetHashAsync([])).Append(serverCopy.GetHashAsync([])));
Console.WriteLine();
Console.WriteLine(hashes.Distinct().Count() == 1 ? "All devices and the server hold the same tree (equal root hashes)." : "The devices differ!");

async Task StepAsync(string title, Func<Task> step)
{
    Console.WriteLine(title);
    await step();
    await Quiescence.WaitAsync([.. replicas.Select(r => r.Synclet), activity, serverCopyIdle()]);
    foreach (var replica in replicas)
    {
        await replica.PrintAsync();
    }

    Console.WriteLine();
}

IIdleSource serverCopyIdle() => (IIdleSource?)server.Broker.GetRoomStore("family-todos") ?? activity;
