namespace Synclets;

/// <summary>
/// Marks a partial record or class as a tree the source generator writes a typed store for.
/// Depth 1: each property is an atom (settings). Depth 2: a row record with a key (a table).
/// Depth 3: a container whose <see cref="SyncTable{TRow}"/> partial properties are tables.
/// </summary>
/// <param name="depth">The depth of the tree: 1, 2 or 3.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SyncTreeAttribute(int depth) : Attribute
{
    /// <summary>The depth of the tree.</summary>
    public int Depth { get; } = depth;

    /// <summary>How property names become column and table ids; ids must match what other peers use.</summary>
    public SyncNaming Naming { get; init; } = SyncNaming.AsWritten;
}

/// <summary>How the generator turns property names into ids.</summary>
public enum SyncNaming
{
    /// <summary>The property name as written: <c>DueDate</c>.</summary>
    AsWritten,

    /// <summary>camelCase, as JavaScript code tends to use: <c>dueDate</c>.</summary>
    CamelCase,

    /// <summary>snake_case, as SQL tends to use: <c>due_date</c>.</summary>
    SnakeCase,
}

/// <summary>Marks the property whose value is a row's id (otherwise a property named <c>Id</c> is the key).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class SyncKeyAttribute : Attribute;

/// <summary>Leaves a property out of the synced tree.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SyncIgnoreAttribute : Attribute;

/// <summary>Overrides the id of a column (or of a table, on a container's property), and how a value is written.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SyncColumnAttribute : Attribute
{
    /// <summary>Keeps the default id.</summary>
    public SyncColumnAttribute()
    {
    }

    /// <summary>Uses <paramref name="name"/> as the id, whatever the naming policy.</summary>
    public SyncColumnAttribute(string name) => Name = name;

    /// <summary>The id to use, or null for the naming policy's.</summary>
    public string? Name { get; }

    /// <summary>
    /// Writes a decimal or an enum as a number instead of a string. For decimals this loses
    /// precision beyond a double's 15 to 17 significant digits; for enums it ties peers to the
    /// numeric values instead of the names.
    /// </summary>
    public bool AsNumber { get; init; }
}

/// <summary>
/// Asks the typed SQL stores for an index on these properties of a row record (depth 2), in this
/// order, so queries that filter or order by them do not read the whole table. Repeat the
/// attribute for more indexes. Name the properties with <c>nameof</c>.
/// </summary>
/// <param name="properties">The properties indexed (the key among them if you like), most selective first.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = true)]
public sealed class SyncIndexAttribute(params string[] properties) : Attribute
{
    /// <summary>The properties indexed, in order.</summary>
    public IReadOnlyList<string> Properties { get; } = properties ?? [];
}
