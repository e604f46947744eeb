using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>
/// The per-atom statements, prepared once and reused on the raw handle (<see cref="RawStatement"/>).
/// These run for every atom of a sync, so they bypass
/// Microsoft.Data.Sqlite's binding by name; everything else in the store goes through <see cref="SqlCommands"/>.
/// </summary>
internal sealed class Statements : IDisposable
{
    private readonly Lazy<RawStatement> _selectHash;
    private readonly Lazy<RawStatement> _xorHash;
    private readonly Lazy<RawStatement> _selectChanged;
    private readonly Lazy<RawStatement> _clearChanged;
    private readonly Lazy<RawStatement> _upsertSequence;

    public Statements(SqliteConnection connection, int depth, SqliteStoreOptions options)
    {
        var address = SqliteSchema.Quote(options.AddressColumn);
        var levels = Enumerable.Range(1, depth).Select(level => SqliteSchema.Quote(SqliteSchema.Level(options, level))).ToArray();
        string Upsert(string table, string column, string value) =>
            $"INSERT INTO {SqliteSchema.Quote(table)} ({address}, {SqliteSchema.Quote(column)}, {string.Join(", ", levels)}) VALUES (@a, {value}, {string.Join(", ", levels.Select((_, i) => "@l" + (i + 1)))}) "
            + $"ON CONFLICT ({address}) DO UPDATE SET {SqliteSchema.Quote(column)} = excluded.{SqliteSchema.Quote(column)}";

        SelectAtom = new RawStatement(connection, $"SELECT {SqliteSchema.Quote(options.AtomColumn)} FROM {SqliteSchema.Quote(options.DataTable)} WHERE {address} = @a", "@a");
        UpsertAtom = new RawStatement(connection, Upsert(options.DataTable, options.AtomColumn, "@v"), ["@a", "@v", .. Enumerable.Range(1, depth).Select(i => "@l" + i)]);
        DeleteAtom = new RawStatement(connection, $"DELETE FROM {SqliteSchema.Quote(options.DataTable)} WHERE {address} = @a", "@a");
        SelectTimestamp = new RawStatement(connection, $"SELECT {SqliteSchema.Quote(options.TimestampColumn)} FROM {SqliteSchema.Quote(options.MetaTable)} WHERE {address} = @a", "@a");
        // The reference keeps a timestamp as JSON text, quotes included (see SqliteLayout).
        UpsertTimestamp = new RawStatement(connection, Upsert(options.MetaTable, options.TimestampColumn, "json_quote(@v)"), ["@a", "@v", .. Enumerable.Range(1, depth).Select(i => "@l" + i)]);

        // The change log's number of a row (see SqliteStore.ChangeLog.cs); prepared on first use,
        // as a file opened read-only may have no such table.
        var log = SqliteSchema.Quote(SqliteSchema.ChangeLogTable(options));
        _upsertSequence = new(() => new RawStatement(connection, $"INSERT INTO {log} (\"parent\", \"seq\") VALUES (@p, @s) ON CONFLICT (\"parent\") DO UPDATE SET \"seq\" = excluded.\"seq\"", "@p", "@s"));

        // The hash table's statements are prepared on first use: a store opened read-only may have no hash table.
        var hashes = SqliteSchema.Quote(options.HashTable);
        _selectHash = new(() => new RawStatement(connection, $"SELECT \"hash\" FROM {hashes} WHERE \"parent\" = @a", "@a"));
        _selectChanged = new(() => new RawStatement(connection, $"SELECT \"hash\" FROM {hashes} WHERE \"parent\" = '{SqliteLayout.ChangedKey}'"));
        _clearChanged = new(() => new RawStatement(connection, $"UPDATE {hashes} SET \"hash\" = 0 WHERE \"parent\" = '{SqliteLayout.ChangedKey}' AND \"hash\" <> 0"));

        // The children of a parent one level above the atoms: a range of the primary key (see SqliteStore.PrefixRange).
        string Children(string table, string column) =>
            $"SELECT {levels[^1]}, {SqliteSchema.Quote(column)} FROM {SqliteSchema.Quote(table)} WHERE {address} >= @from AND {address} < @to";
        SelectChildAtoms = new RawStatement(connection, Children(options.DataTable, options.AtomColumn), "@from", "@to");
        SelectChildTimestamps = new RawStatement(connection, Children(options.MetaTable, options.TimestampColumn), "@from", "@to");

        // SQLite has no XOR operator: (a | b) - (a & b) is a XOR b.
        _xorHash = new(() => new RawStatement(connection, SqliteSchema.XorHashSql(options.HashTable), "@parent", "@delta"));
    }

    public RawStatement SelectAtom { get; }

    public RawStatement UpsertAtom { get; }

    public RawStatement DeleteAtom { get; }

    public RawStatement SelectTimestamp { get; }

    public RawStatement UpsertTimestamp { get; }

    /// <summary>Numbers a row in the change log (parameters: the row's address key, the number).</summary>
    public RawStatement UpsertSequence => _upsertSequence.Value;

    public RawStatement SelectHash => _selectHash.Value;

    public RawStatement XorHash => _xorHash.Value;

    /// <summary>The flag the meta table's triggers set on any write (see <see cref="SqliteLayout"/>).</summary>
    public RawStatement SelectChanged => _selectChanged.Value;

    /// <summary>Clears that flag, with this store's own writes committed in the same transaction.</summary>
    public RawStatement ClearChanged => _clearChanged.Value;

    public RawStatement SelectChildAtoms { get; }

    public RawStatement SelectChildTimestamps { get; }

    public void Dispose()
    {
        foreach (var statement in new[] { SelectAtom, UpsertAtom, DeleteAtom, SelectTimestamp, UpsertTimestamp, SelectChildAtoms, SelectChildTimestamps })
        {
            statement.Dispose();
        }

        foreach (var prepared in new[] { _upsertSequence, _selectHash, _xorHash, _selectChanged, _clearChanged }.Where(lazy => lazy.IsValueCreated))
        {
            prepared.Value.Dispose();
        }
    }
}
