using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>Creates the tables of a store, or checks that existing ones have the shape it needs.</summary>
internal static class SqliteSchema
{
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// The one statement, for both layouts, that folds a change into a parent's stored hash
    /// (parameters <c>@parent</c> and <c>@delta</c>): XOR written as (a | b) - (a &amp; b), as SQLite has no XOR.
    /// </summary>
    public static string XorHashSql(string hashTable) =>
        $"INSERT INTO {Quote(hashTable)} (\"parent\", \"hash\") VALUES (@parent, @delta) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = (\"hash\" | excluded.\"hash\") - (\"hash\" & excluded.\"hash\")";

    public static string Level(SqliteStoreOptions options, int level) => options.LevelColumnPrefix + level.ToString(CultureInfo.InvariantCulture);

    public static void Ensure(SqliteConnection connection, int depth, SqliteStoreOptions options)
    {
        EnsureTable(connection, depth, options, options.DataTable, options.AtomColumn);
        EnsureTable(connection, depth, options, options.MetaTable, options.TimestampColumn);
        connection.Run($"CREATE TABLE IF NOT EXISTS {Quote(options.HashTable)} (\"parent\" TEXT PRIMARY KEY, \"hash\" INTEGER NOT NULL) WITHOUT ROWID");
        connection.Run($"CREATE TABLE IF NOT EXISTS {Quote(ChangeLogTable(options))} (\"parent\" TEXT PRIMARY KEY, \"seq\" INTEGER NOT NULL) WITHOUT ROWID");
        connection.Run($"CREATE INDEX IF NOT EXISTS {Quote(ChangeLogTable(options) + "_by_seq")} ON {Quote(ChangeLogTable(options))} (\"seq\")");
    }

    /// <summary>
    /// The change log's table (see SqliteStore.ChangeLog.cs): each row's number (the atoms' parent;
    /// at depth 1 each atom's), beside the reference's tables, which it checks column by column
    /// and so must stay as they are.
    /// </summary>
    public static string ChangeLogTable(SqliteStoreOptions options) => options.MetaTable + "_log";

    /// <summary>True when the file has the change log's table.</summary>
    public static bool HasChangeLogTable(SqliteConnection connection, SqliteStoreOptions options) =>
        connection.ReadStrings($"SELECT name FROM pragma_table_info({Quote(ChangeLogTable(options)).Replace("\"", "'", StringComparison.Ordinal)})").Count > 0;

    /// <summary>Checks, creating nothing, that the store's data and meta tables exist with the shape of a depth-<paramref name="depth"/> tree.</summary>
    public static void Check(SqliteConnection connection, int depth, SqliteStoreOptions options)
    {
        foreach (var table in new[] { options.DataTable, options.MetaTable })
        {
            if (connection.ReadStrings($"SELECT name FROM pragma_table_info({Quote(table).Replace("\"", "'", StringComparison.Ordinal)})").Count == 0)
            {
                throw new SqliteStoreException($"The database has no table '{table}', so it holds no store to open read-only. Open it writable to create one, or check the table names.");
            }
        }

        EnsureTable(connection, depth, options, options.DataTable, options.AtomColumn);
        EnsureTable(connection, depth, options, options.MetaTable, options.TimestampColumn);
    }

    private static void EnsureTable(SqliteConnection connection, int depth, SqliteStoreOptions options, string table, string valueColumn)
    {
        var expected = new List<string> { options.AddressColumn, valueColumn };
        expected.AddRange(Enumerable.Range(1, depth).Select(level => Level(options, level)));
        var existing = connection.ReadStrings($"SELECT name FROM pragma_table_info({Quote(table).Replace("\"", "'", StringComparison.Ordinal)})");
        if (existing.Count == 0)
        {
            var columns = string.Join(", ", expected.Skip(1).Select(column => Quote(column) + " TEXT"));
            // WITHOUT ROWID: the rows live in the primary key's b-tree, one insert instead of two.
            connection.Run($"CREATE TABLE {Quote(table)} ({Quote(options.AddressColumn)} TEXT PRIMARY KEY, {columns}) WITHOUT ROWID");
        }
        else
        {
            var missing = expected.Where(column => !existing.Contains(column, StringComparer.Ordinal)).ToList();
            var deeper = existing.Contains(Level(options, depth + 1), StringComparer.Ordinal);
            if (missing.Count > 0 || deeper)
            {
                throw new SqliteStoreException(
                    $"Table '{table}' does not have the shape of a depth-{depth} tree: it needs the columns {string.Join(", ", expected)}"
                    + (missing.Count > 0 ? $", and lacks {string.Join(", ", missing)}" : string.Empty)
                    + (deeper ? $"; it also has {Level(options, depth + 1)}, so it stores a deeper tree" : string.Empty)
                    + $". Its columns are: {string.Join(", ", existing)}. Open it with the depth it was written with, or use other table names.");
            }
        }

        // No index on the level columns: the primary key, the address as JSON text, already keeps
        // every parent's children together (they share the prefix '["a","b",'), so prefix queries
        // range-scan it, and each write updates one b-tree per table instead of two.
    }
}
