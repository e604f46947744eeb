using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>
/// The per-atom statements, prepared once and reused on the raw handle (<see cref="RawStatement"/>).
/// These run for every atom of a sync, so they bypass Dapper's per-call parameter mapping and
/// Microsoft.Data.Sqlite's binding by name; everything else in the store goes through Dapper.
/// </summary>
internal sealed class Statements : IDisposable
{
    public Statements(SqliteConnection connection, int depth, SqliteStoreOptions options)
    {
        var address = SqliteSchema.Quote(options.AddressColumn);
        var levels = Enumerable.Range(1, depth).Select(level => SqliteSchema.Quote(SqliteSchema.Level(options, level))).ToArray();
        string Upsert(string table, string column) =>
            $"INSERT INTO {SqliteSchema.Quote(table)} ({address}, {SqliteSchema.Quote(column)}, {string.Join(", ", levels)}) VALUES (@a, @v, {string.Join(", ", levels.Select((_, i) => "@l" + (i + 1)))}) "
            + $"ON CONFLICT ({address}) DO UPDATE SET {SqliteSchema.Quote(column)} = excluded.{SqliteSchema.Quote(column)}";

        SelectAtom = new RawStatement(connection, $"SELECT {SqliteSchema.Quote(options.AtomColumn)} FROM {SqliteSchema.Quote(options.DataTable)} WHERE {address} = @a", "@a");
        UpsertAtom = new RawStatement(connection, Upsert(options.DataTable, options.AtomColumn), ["@a", "@v", .. Enumerable.Range(1, depth).Select(i => "@l" + i)]);
        DeleteAtom = new RawStatement(connection, $"DELETE FROM {SqliteSchema.Quote(options.DataTable)} WHERE {address} = @a", "@a");
        SelectTimestamp = new RawStatement(connection, $"SELECT {SqliteSchema.Quote(options.TimestampColumn)} FROM {SqliteSchema.Quote(options.MetaTable)} WHERE {address} = @a", "@a");
        UpsertTimestamp = new RawStatement(connection, Upsert(options.MetaTable, options.TimestampColumn), ["@a", "@v", .. Enumerable.Range(1, depth).Select(i => "@l" + i)]);
        SelectHash = new RawStatement(connection, $"SELECT \"hash\" FROM {SqliteSchema.Quote(options.HashTable)} WHERE \"parent\" = @a", "@a");

        // The children of a parent one level above the atoms: a range of the primary key (see SqliteStore.PrefixRange).
        string Children(string table, string column) =>
            $"SELECT {levels[^1]}, {SqliteSchema.Quote(column)} FROM {SqliteSchema.Quote(table)} WHERE {address} >= @from AND {address} < @to";
        SelectChildAtoms = new RawStatement(connection, Children(options.DataTable, options.AtomColumn), "@from", "@to");
        SelectChildTimestamps = new RawStatement(connection, Children(options.MetaTable, options.TimestampColumn), "@from", "@to");

        // SQLite has no XOR operator: (a | b) - (a & b) is a XOR b.
        XorHash = new RawStatement(connection, $"INSERT INTO {SqliteSchema.Quote(options.HashTable)} (\"parent\", \"hash\") VALUES (@a, @v) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = (\"hash\" | excluded.\"hash\") - (\"hash\" & excluded.\"hash\")", "@a", "@v");
    }

    public RawStatement SelectAtom { get; }

    public RawStatement UpsertAtom { get; }

    public RawStatement DeleteAtom { get; }

    public RawStatement SelectTimestamp { get; }

    public RawStatement UpsertTimestamp { get; }

    public RawStatement SelectHash { get; }

    public RawStatement XorHash { get; }

    public RawStatement SelectChildAtoms { get; }

    public RawStatement SelectChildTimestamps { get; }

    public void Dispose()
    {
        foreach (var statement in new[] { SelectAtom, UpsertAtom, DeleteAtom, SelectTimestamp, UpsertTimestamp, SelectHash, XorHash, SelectChildAtoms, SelectChildTimestamps })
        {
            statement.Dispose();
        }
    }
}
