using System.Globalization;
using Npgsql;

namespace Synclets.PostgreSql;

// The typed store's tables: created, extended with added properties, and their root hash built when missing.
public sealed partial class TypedPostgreSqlStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>Creates the schema and tables, or adds the columns of properties added since; returns the synced columns in table order.</summary>
    private static async Task<PostgreSqlColumn[]> EnsureTablesAsync(PostgreSqlSession session, string schemaName, CancellationToken cancellationToken)
    {
        var declared = TRow.SqlColumns.Select(PostgreSqlColumn.For).ToList();
        CheckColumnNames(declared);
        var schema = PostgreSqlSchema.Quote(schemaName);
        var table = schema + "." + PostgreSqlSchema.Quote(TRow.SqlTableName);
        var meta = schema + "." + PostgreSqlSchema.Quote(TRow.SqlTableName + "_meta");
        var hashes = schema + "." + PostgreSqlSchema.Quote(TRow.SqlTableName + "_hashes");
        var key = PostgreSqlSchema.Quote(TRow.SqlKeyColumn);
        await RunAsync(session, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken).ConfigureAwait(false);
        var columns = await EnsureColumnsAsync(session, schemaName, declared, table, meta, hashes, key, cancellationToken).ConfigureAwait(false);

        // Named after a hash of the table's name: PostgreSQL cuts identifiers at 63 bytes.
        var trigger = "synclets_written_elsewhere_" + Fnv1a.Hash(TRow.SqlTableName).ToString("x8", CultureInfo.InvariantCulture);
        await WrittenElsewhereTrigger.EnsureAsync(session.Connection, schema, meta, hashes, trigger, cancellationToken).ConfigureAwait(false);
        return columns;
    }

    private static async Task<PostgreSqlColumn[]> EnsureColumnsAsync(PostgreSqlSession session, string schemaName, List<PostgreSqlColumn> declared, string table, string meta, string hashes, string key, CancellationToken cancellationToken)
    {
        var existing = await ColumnsAsync(session, schemaName, TRow.SqlTableName, cancellationToken).ConfigureAwait(false);
        if (existing.Count == 0)
        {
            var dataColumns = string.Join(", ", declared.Select(c => $"{PostgreSqlSchema.Quote(c.Id)} {c.SqlType}"));
            var metaColumns = string.Join(", ", declared.Select(c => $"{PostgreSqlSchema.Quote(c.Id)} text"));
            await RunAsync(session, $"CREATE TABLE {table} ({key} text PRIMARY KEY, {dataColumns}, \"absent\" bigint NOT NULL)", cancellationToken).ConfigureAwait(false);
            await RunAsync(session, $"CREATE TABLE {meta} ({key} text PRIMARY KEY, {metaColumns})", cancellationToken).ConfigureAwait(false);
            await RunAsync(session, $"CREATE TABLE {hashes} (\"parent\" text PRIMARY KEY, \"hash\" bigint NOT NULL)", cancellationToken).ConfigureAwait(false);
            return [.. declared];
        }

        if (!existing.Any(c => c.Name == TRow.SqlKeyColumn) || !existing.Any(c => c.Name == "absent"))
        {
            throw new PostgreSqlStoreException($"Table {schemaName}.{TRow.SqlTableName} exists but is not a typed Synclets table of {TRow.SqlTableName} (it has no '{TRow.SqlKeyColumn}' key or no 'absent' column). Use another schema, or rename that table.");
        }

        // Columns keep their place (and absent-mask bit) for life; added properties go at the end.
        var columns = new List<PostgreSqlColumn>();
        foreach (var (name, type) in existing.Where(c => c.Name != TRow.SqlKeyColumn && c.Name != "absent"))
        {
            var wanted = declared.Find(c => c.Id == name);
            if (wanted is not null && wanted.SqlType != type)
            {
                throw new PostgreSqlStoreException($"Column '{name}' of table {schemaName}.{TRow.SqlTableName} is {type}, but the record's property needs {wanted.SqlType}: its type changed. A property keeps its type for life (the schema file's SYNC013); sync the new type under a new id.");
            }

            columns.Add(wanted ?? PostgreSqlColumn.Kept(name, type));
        }

        foreach (var added in declared.Where(c => !columns.Exists(kept => kept.Id == c.Id)))
        {
            var bit = 1L << columns.Count;
            await RunAsync(session, $"ALTER TABLE {table} ADD COLUMN {PostgreSqlSchema.Quote(added.Id)} {added.SqlType}", cancellationToken).ConfigureAwait(false);
            await RunAsync(session, $"ALTER TABLE {meta} ADD COLUMN {PostgreSqlSchema.Quote(added.Id)} text", cancellationToken).ConfigureAwait(false);
            await RunAsync(session, $"UPDATE {table} SET \"absent\" = \"absent\" | {bit.ToString(CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
            columns.Add(added);
        }

        if (columns.Count > 62)
        {
            throw new PostgreSqlStoreException($"Table {schemaName}.{TRow.SqlTableName} would have {columns.Count} synced columns; a typed table holds at most 62 (kept columns of removed properties count).");
        }

        return [.. columns];
    }

    /// <summary>The table has two columns of its own (the key and the absent mask): no property may take their names.</summary>
    private static void CheckColumnNames(List<PostgreSqlColumn> declared)
    {
        foreach (var column in declared)
        {
            if (column.Id == TRow.SqlKeyColumn || column.Id == "absent")
            {
                throw new PostgreSqlStoreException($"Table {TRow.SqlTableName} cannot hold the column '{column.Id}': it is the name of the table's {(column.Id == "absent" ? "own 'absent' column" : "key column")}. Give the property another id with [SyncColumn(\"...\")].");
            }
        }
    }

    // Straight on the connection: a failure here (no CREATE right, say) reaches the open as the
    // server's own error, which PostgreSqlSession words as an open failure saying what to do.
    private static async Task<List<(string Name, string Type)>> ColumnsAsync(PostgreSqlSession session, string schema, string table, CancellationToken cancellationToken)
    {
        await using var command = session.Command("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position", [schema, table]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<(string Name, string Type)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    private static async Task RunAsync(PostgreSqlSession session, string sql, CancellationToken cancellationToken)
    {
        await using var command = session.Command(sql, []);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
