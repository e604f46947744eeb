namespace Synclets.Sqlite;

/// <summary>Table and column names, and durability, of a <see cref="SqliteStore"/>. The defaults are the JavaScript reference's.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The data table.</summary>
    public string DataTable { get; init; } = "data";

    /// <summary>The meta (timestamps) table.</summary>
    public string MetaTable { get; init; } = "meta";

    /// <summary>
    /// The table of stored parent hashes (ours; a database without it gets it built on open), with
    /// triggers on the meta table that tell the store when another program wrote it.
    /// </summary>
    public string HashTable { get; init; } = "meta_hashes";

    /// <summary>The column holding the whole address as JSON text, the primary key.</summary>
    public string AddressColumn { get; init; } = "address";

    /// <summary>The data column holding the atom as JSON text.</summary>
    public string AtomColumn { get; init; } = "atom";

    /// <summary>The meta column holding the timestamp.</summary>
    public string TimestampColumn { get; init; } = "timestamp";

    /// <summary>The prefix of the per-level columns: <c>address1</c> to <c>addressN</c>.</summary>
    public string LevelColumnPrefix { get; init; } = "address";

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. NORMAL (the default, with WAL) survives a killed process;
    /// FULL also survives a power cut, at some cost per commit.
    /// </summary>
    public string Synchronous { get; init; } = "NORMAL";

    /// <summary>How long a write waits for another connection's lock before it fails with a clear error.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Opens the file read-only and changes nothing in it: no tables, triggers or journal mode are
    /// added, and hashes are computed in memory on open (a scan of the meta table). For looking
    /// into another app's database, as <c>synclets inspect</c> does; any write fails.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>The defaults.</summary>
    public static SqliteStoreOptions Default { get; } = new();
}
