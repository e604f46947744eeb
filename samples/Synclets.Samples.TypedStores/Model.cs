using Synclets;

namespace TypedStores;

/// <summary>A todo: one row of a table; each property but the key is a cell.</summary>
[SyncTree(depth: 2)]
public partial record Todo([property: SyncKey] string Id, string Title, bool Done, DateTimeOffset? Due);

/// <summary>A tag, for the workspace's second table.</summary>
[SyncTree(depth: 2, Naming = SyncNaming.CamelCase)]
public partial record Tag(string Id, string Label, Priority Priority);

/// <summary>How urgent a tag is.</summary>
public enum Priority
{
    Low,
    High,
}

/// <summary>A workspace: two tables in one depth-3 tree.</summary>
[SyncTree(depth: 3)]
public partial class Workspace
{
    public partial SyncTable<Todo> Todos { get; }

    public partial SyncTable<Tag> Tags { get; }
}

/// <summary>Settings: each property is one atom of a depth-1 tree.</summary>
[SyncTree(depth: 1)]
public partial record Settings
{
    public string Theme { get; init; } = "light";

    public int FontSize { get; init; } = 12;
}
