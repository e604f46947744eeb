using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

// The typed store's tables: created, extended with added properties, and their root hash built when missing.
public sealed partial class TypedSqliteStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>Creates the tables, or adds the columns of properties added since, and the declared indexes; returns the synced columns in table order.</summary>
    private static async Task<string[]> EnsureSchemaAsync(SqliteConnection connection)
    {
        var columns = await EnsureTablesAsync(connection).ConfigureAwait(false);
        await EnsureIndexesAsync(connection).ConfigureAwait(false);
        await EnsureChangeLogAsync(connection).ConfigureAwait(false);
        return columns;
    }

    private static async Task<string[]> EnsureTablesAsync(SqliteConnection connection)
    {
        CheckColumnNames();
        var table = TRow.SqlTableName;
        var existing = connection.ReadStringPairs($"SELECT name, type FROM pragma_table_info('{table.Replace("'", "''", StringComparison.Ordinal)}')").Select(column => (Name: column.First, Type: column.Second)).ToList();
        var metaColumns = string.Join(", ", TRow.SqlColumns.Select(c => SqliteSchema.Quote(c.Id) + " TEXT"));
        if (existing.Count == 0)
        {
            var key = SqliteSchema.Quote(TRow.SqlKeyColumn);
            var dataColumns = string.Join(", ", TRow.SqlColumns.Select(c => $"{SqliteSchema.Quote(c.Id)} {c.SqlType}"));
            await connection.RunAsync($"CREATE TABLE {SqliteSchema.Quote(table)} ({key} TEXT PRIMARY KEY, {dataColumns}, \"absent\" INTEGER NOT NULL) STRICT").ConfigureAwait(false);
            await connection.RunAsync($"CREATE TABLE {SqliteSchema.Quote(table + "_meta")} ({key} TEXT PRIMARY KEY, {metaColumns}) STRICT").ConfigureAwait(false);
            await connection.RunAsync($"CREATE TABLE {SqliteSchema.Quote(table + "_hashes")} (\"parent\" TEXT PRIMARY KEY, \"hash\" INTEGER NOT NULL) WITHOUT ROWID").ConfigureAwait(false);
            return [.. TRow.SqlColumns.Select(c => c.Id)];
        }

        // Columns keep their place (and absent-mask bit) for life; added properties go at the end.
        var columns = existing.Select(c => c.Name).Where(name => name != TRow.SqlKeyColumn && name != "absent").ToList();
        foreach (var added in TRow.SqlColumns.Where(c => !columns.Contains(c.Id, StringComparer.Ordinal)))
        {
            var bit = 1L << columns.Count;
            await connection.RunAsync($"ALTER TABLE {SqliteSchema.Quote(table)} ADD COLUMN {SqliteSchema.Quote(added.Id)} {added.SqlType}").ConfigureAwait(false);
            await connection.RunAsync($"ALTER TABLE {SqliteSchema.Quote(table + "_meta")} ADD COLUMN {SqliteSchema.Quote(added.Id)} TEXT").ConfigureAwait(false);
            await connection.RunAsync($"UPDATE {SqliteSchema.Quote(table)} SET \"absent\" = \"absent\" | {bit.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            columns.Add(added.Id);
        }

        return [.. columns];
    }

    /// <summary>
    /// The change log's column on the meta table (see TypedSqliteStore.ChangeLog.cs) and its index.
    /// A table written before stores kept logs gets the column, and its rows numbered once in
    /// storage order: a first feed from it carries every row.
    /// </summary>
    private static async Task EnsureChangeLogAsync(SqliteConnection connection)
    {
        var meta = TRow.SqlTableName + "_meta";
        if (!connection.ReadStrings($"SELECT name FROM pragma_table_info('{meta.Replace("'", "''", StringComparison.Ordinal)}')").Contains("seq", StringComparer.Ordinal))
        {
            await connection.RunAsync($"ALTER TABLE {SqliteSchema.Quote(meta)} ADD COLUMN \"seq\" INTEGER").ConfigureAwait(false);
            var key = SqliteSchema.Quote(TRow.SqlKeyColumn);
            await connection.RunAsync($"UPDATE {SqliteSchema.Quote(meta)} SET \"seq\" = numbered.n FROM (SELECT {key} AS k, row_number() OVER () AS n FROM {SqliteSchema.Quote(meta)}) AS numbered WHERE {SqliteSchema.Quote(meta)}.{key} = numbered.k").ConfigureAwait(false);
        }

        await connection.RunAsync($"CREATE INDEX IF NOT EXISTS {SqliteSchema.Quote(meta + "_by_seq")} ON {SqliteSchema.Quote(meta)} (\"seq\")").ConfigureAwait(false);
    }

    /// <summary>
    /// The indexes the record declares ([SyncIndex]), each named after its columns under a prefix
    /// of the store's own, so an index the record no longer declares is found and dropped. Made on
    /// open, so a large table's first open after adding one takes as long as SQLite needs to build it.
    /// </summary>
    private static async Task EnsureIndexesAsync(SqliteConnection connection)
    {
        var table = TRow.SqlTableName;
        var prefix = table + "_by_";
        var declared = TRow.SqlIndexes.GroupBy(index => prefix + string.Join("_", index.ColumnIds), StringComparer.Ordinal).ToDictionary(same => same.Key, same => same.First(), StringComparer.Ordinal);
        var existing = connection.ReadStrings("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = @table AND substr(name, 1, length(@prefix)) = @prefix", null, ("@table", table), ("@prefix", prefix));
        foreach (var stale in existing.Where(name => !declared.ContainsKey(name)))
        {
            await connection.RunAsync($"DROP INDEX {SqliteSchema.Quote(stale)}").ConfigureAwait(false);
        }

        foreach (var (name, index) in declared.Where(pair => !existing.Contains(pair.Key)))
        {
            // Ending with the key, as every query's order does (ties by row id), the index alone
            // orders a page: SQLite reads just the rows it returns, no sort of the whole table.
            var columns = index.ColumnIds.Contains(TRow.SqlKeyColumn) ? index.ColumnIds : [.. index.ColumnIds, TRow.SqlKeyColumn];
            await connection.RunAsync($"CREATE INDEX {SqliteSchema.Quote(name)} ON {SqliteSchema.Quote(table)} ({string.Join(", ", columns.Select(SqliteSchema.Quote))})").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// SQLite compares column names without regard to case, and the table has two columns of its
    /// own (the key and the absent mask): ids that are distinct atoms in the tree can still be one
    /// column here. Refused before any table is touched, naming the properties' ids.
    /// </summary>
    private static void CheckColumnNames()
    {
        var taken = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [TRow.SqlKeyColumn] = $"the key column '{TRow.SqlKeyColumn}'", ["absent"] = "the table's own 'absent' column" };
        foreach (var column in TRow.SqlColumns)
        {
            if (!taken.TryAdd(column.Id, $"the column '{column.Id}'"))
            {
                throw new SqliteStoreException($"Table {TRow.SqlTableName} cannot hold the column '{column.Id}': SQLite would take it for {taken[column.Id]} (column names are compared without regard to case). Give the property another id with [SyncColumn(\"...\")].");
            }
        }
    }

    /// <summary>
    /// A database that has timestamps but no stored root hash (written by hand, or by a tool that
    /// kept none) gets it computed once, from every timestamp; afterwards it is kept up to date.
    /// </summary>
    private static async Task EnsureRootHashAsync(SqliteConnection connection, string[] columns)
    {
        var hashes = SqliteSchema.Quote(TRow.SqlTableName + "_hashes");
        if (connection.ReadInteger($"SELECT \"hash\" FROM {hashes} WHERE \"parent\" = '[]'") is not null)
        {
            return;
        }

        var hash = 0u;
        await using (var reader = connection.ReadRows($"SELECT {string.Join(", ", columns.Select(SqliteSchema.Quote))} FROM {SqliteSchema.Quote(TRow.SqlTableName + "_meta")}"))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                for (var i = 0; i < columns.Length; i++)
                {
                    hash ^= reader.IsDBNull(i) ? 0 : Fnv1a.Hash(reader.GetString(i));
                }
            }
        }

        await connection.RunAsync($"INSERT INTO {hashes} (\"parent\", \"hash\") VALUES ('[]', @hash)", null, ("@hash", (long)hash)).ConfigureAwait(false);
    }
}
