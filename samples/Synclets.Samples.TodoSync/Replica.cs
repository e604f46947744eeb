using Synclets;
using Synclets.AspNetCore;
using Synclets.Sqlite;
using Synclets.Transports;

namespace TodoSync;

/// <summary>One device: its own SQLite file, a typed todo table over it, and a WebSocket to the server.</summary>
internal sealed class Replica : IAsyncDisposable
{
    private readonly SqliteStore _store;

    private Replica(string name, SqliteStore store, Synclet synclet)
    {
        Name = name;
        _store = store;
        Synclet = synclet;
        Todos = Todo.CreateStore(synclet);
    }

    public string Name { get; }

    public Synclet Synclet { get; }

    public SyncTable<Todo> Todos { get; }

    public static async Task<Replica> OpenAsync(string name, string dataFolder, Uri room, InProcessWire activity)
    {
        var store = await SqliteStore.OpenAsync(Path.Combine(dataFolder, $"{name}.db"), 2);
        var transport = new WebSocketTransport(room, new WebSocketTransportOptions { Observer = activity });
        return new Replica(name, store, new Synclet(store.Data, store.Meta, transport, new SyncletOptions { Id = name }));
    }

    public async Task PrintAsync()
    {
        var todos = await Todos.ListAsync();
        var state = Synclet.IsStarted ? "online " : "offline";
        Console.WriteLine($"  {Name,-7} ({state}) {string.Join("  |  ", todos.Select(Describe))}");
    }

    public static string Describe(Todo todo) => $"{(todo.Done ? "[x]" : "[ ]")} {todo.Title}{(todo.Due is { } due ? $" (due {due:MMM d})" : string.Empty)}";

    public async ValueTask DisposeAsync()
    {
        await Synclet.DisposeAsync();
        await _store.DisposeAsync();
    }
}
