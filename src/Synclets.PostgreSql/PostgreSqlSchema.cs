using System.Globalization;
using Npgsql;

namespace Synclets.PostgreSql;

/// <summary>The names of a store's tables and columns, quoted, and the DDL that creates them or the check that existing ones fit.</summary>
internal sealed class PostgreSqlSchema(PostgreSqlStoreOptions options, int depth)
{
    public int Depth { get; } = depth;

    public string Schema { get; } = Quote(options.Schema);

    public string Data { get; } = Quote(options.Schema) + "." + Quote(options.DataTable);

    public string Meta { get; } = Quote(options.Schema) + "." + Quote(options.MetaTable);

    public string Hashes { get; } = Quote(options.Schema) + "." + Quote(options.HashTable);

    /// <summary>The per-level columns, address1 to addressN, as the reference names them.</summary>
    public IReadOnlyList<string> Levels { get; } = [.. Enumerable.Range(1, depth).Select(level => "address" + level.ToString(CultureInfo.InvariantCulture))];

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Creates the schema and what is missing of its tables; refuses tables of another shape, naming them.</summary>
    public async Task EnsureAsync(NpgsqlConnection connection, PostgreSqlStoreOptions options, CancellationToken cancellationToken)
    {
        await RunAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {Schema}", cancellationToken).ConfigureAwait(false);
        foreach (var (table, name, leaf) in new[] { (Data, options.DataTable, "atom"), (Meta, options.MetaTable, "timestamp") })
        {
            var columns = await ColumnsAsync(connection, options.Schema, name, cancellationToken).ConfigureAwait(false);
            var wanted = new[] { "address", leaf }.Concat(Levels).ToDictionary(column => column, _ => "text", StringComparer.Ordinal);
            if (columns.Count == 0)
            {
                var levels = string.Join(", ", Levels.Select(level => Quote(level) + " TEXT"));
                await RunAsync(connection, $"CREATE TABLE {table} (\"address\" TEXT PRIMARY KEY, {Quote(leaf)} TEXT, {levels})", cancellationToken).ConfigureAwait(false);
                for (var level = 1; level < Depth; level++)
                {
                    // The reference's indexes: each address prefix, for reading a parent's children.
                    var prefix = string.Join(", ", Levels.Take(level).Select(Quote));
                    await RunAsync(connection, $"CREATE INDEX IF NOT EXISTS {Quote(name + level.ToString(CultureInfo.InvariantCulture))} ON {table} ({prefix})", cancellationToken).ConfigureAwait(false);
                }
            }
            else if (!columns.OrderBy(c => c.Key, StringComparer.Ordinal).SequenceEqual(wanted.OrderBy(c => c.Key, StringComparer.Ordinal)))
            {
                throw new PostgreSqlStoreException($"Table {options.Schema}.{name} exists but is not a depth-{Depth} Synclets table: it has ({string.Join(", ", columns.Select(c => $"{c.Key} {c.Value}"))}), it needs ({string.Join(", ", wanted.Keys)}, all text). Use another schema, or open it with the depth it was made for.");
            }
        }

        await RunAsync(connection, $"CREATE TABLE IF NOT EXISTS {Hashes} (\"parent\" TEXT PRIMARY KEY, \"hash\" BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        await WrittenElsewhereTrigger.EnsureAsync(connection, Schema, Meta, Hashes, "synclets_meta_written_elsewhere", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<string, string>> ColumnsAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            columns[reader.GetString(0)] = reader.GetString(1);
        }

        return columns;
    }

    private static async Task RunAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
