namespace Synclets.PostgreSql;

/// <summary>Where a <see cref="PostgreSqlStore"/> keeps its tables. The table and column names are the JavaScript reference's.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>
    /// The schema that holds the store's tables, created on first use: one schema per store (a
    /// room, an app), so stores never share a table and dropping a schema drops a store.
    /// </summary>
    public string Schema { get; init; } = "synclets";

    /// <summary>The data table.</summary>
    public string DataTable { get; init; } = "data";

    /// <summary>The meta (timestamps) table.</summary>
    public string MetaTable { get; init; } = "meta";

    /// <summary>The table of stored parent hashes (ours; built from the meta table when missing).</summary>
    public string HashTable { get; init; } = "meta_hashes";

    /// <summary>The defaults.</summary>
    public static PostgreSqlStoreOptions Default { get; } = new();
}
