// Typed stores: annotate records, and the source generator writes the mapping to atoms and a
// typed store for each. Two replicas of a workspace sync; edits to different fields of one row
// both survive, because only the cells that changed are written.
using Synclets;
using Synclets.Connectors;
using Synclets.Transports;
using TypedStores;

var pool = new MemoryPool();
await using var laptopSynclet = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "laptop" });
await using var phoneSynclet = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "phone" });
var laptop = new Workspace(laptopSynclet);
var phone = new Workspace(phoneSynclet);
await laptopSynclet.StartAsync();
await phoneSynclet.StartAsync();

await laptop.Todos.UpsertAsync(new Todo("t1", "Buy milk", Done: false, Due: null));
await laptop.Tags.UpsertAsync(new Tag("home", "At home", Priority.High));
await Quiescence.WaitAsync(laptopSynclet, phoneSynclet, pool);
Console.WriteLine($"phone sees: {string.Join(", ", await phone.Todos.ListAsync())}");

// Offline, each edits a different field of the same todo.
await phoneSynclet.StopAsync();
var phoneTodo = (await phone.Todos.GetAsync("t1"))!;
await phone.Todos.UpsertAsync(phoneTodo with { Done = true });
var laptopTodo = (await laptop.Todos.GetAsync("t1"))!;
await laptop.Todos.UpsertAsync(laptopTodo with { Title = "Buy oat milk" });
await phoneSynclet.StartAsync();
await Quiescence.WaitAsync(laptopSynclet, phoneSynclet, pool);

Console.WriteLine($"laptop: {await laptop.Todos.GetAsync("t1")}");
Console.WriteLine($"phone:  {await phone.Todos.GetAsync("t1")}");
Console.WriteLine($"tags as stored (camelCase ids): {await phoneSynclet.GetDataAsync()}".ReplaceLineEndings(" "));

// A query on the typed columns: run as SQL on a typed SQLite table (on its [SyncIndex] indexes), in memory here.
await laptop.Todos.UpsertManyAsync([new Todo("t2", "Call the bank", Done: false, Due: null), new Todo("t3", "Book a train", Done: false, Due: null)]);
var open = await laptop.Todos.Query().Where(TodoColumns.Done.EqualTo(false)).OrderBy(TodoColumns.Title).ToListAsync();
Console.WriteLine($"open, by title: {string.Join(", ", open.Select(todo => todo.Title))}");

// Depth 1: settings, one atom per property; a property never written reads as its default.
await using var settingsSynclet = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1));
var settings = Settings.CreateStore(settingsSynclet);
Console.WriteLine($"defaults: {await settings.GetAsync()}");
await settings.SetAsync(new Settings { Theme = "dark" });
Console.WriteLine($"after:    {await settings.GetAsync()}  (atoms: {await settingsSynclet.GetDataAsync()})".ReplaceLineEndings(" "));
