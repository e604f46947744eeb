using Microsoft.Data.Sqlite;

namespace Synclets.Cli;

/// <summary>
/// The typed tables of a SQLite file, found without the app's record types: a table <c>T</c> is
/// typed when <c>T_meta</c> and <c>T_hashes</c> sit beside it (what <c>TypedSqliteStore</c>
/// creates). Read-only: inspecting a file never changes it.
/// </summary>
internal static class TypedTables
{
    /// <summary>A typed table: its name, key column, synced columns and row count.</summary>
    public sealed record Table(string Name, string Key, IReadOnlyList<string> Columns, long Rows);

    /// <summary>The typed tables in <paramref name="path"/>; empty when it has none (or is not a SQLite file).</summary>
    public static IReadOnlyList<Table> Find(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var connection = Open(path);
        var names = Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table'").ToHashSet(StringComparer.Ordinal);
        var tables = new List<Table>();
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            if (!names.Contains(name + "_meta") || !names.Contains(name + "_hashes"))
            {
                continue;
            }

            var columns = Strings(connection, $"SELECT name FROM pragma_table_info('{name.Replace("'", "''", StringComparison.Ordinal)}_meta')");
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM {Quote(name)}";
            tables.Add(new Table(name, columns[0], columns.Skip(1).ToList(), (long)count.ExecuteScalar()!));
        }

        return tables;
    }

    /// <summary>Up to <paramref name="limit"/> rows of a typed table, as text per column (null for NULL).</summary>
    public static IReadOnlyList<string?[]> Rows(string path, Table table, int limit)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", new[] { table.Key }.Concat(table.Columns).Select(Quote))} FROM {Quote(table.Name)} ORDER BY {Quote(table.Key)} LIMIT {limit}";
        using var reader = command.ExecuteReader();
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The newest changes of a typed table: (row, column, timestamp), newest first.</summary>
    public static IReadOnlyList<(string Row, string Column, string Timestamp)> Newest(string path, Table table, int count)
    {
        using var connection = Open(path);
        var changes = new List<(string, string, string)>();
        foreach (var column in table.Columns)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Quote(table.Key)}, {Quote(column)} FROM {Quote(table.Name + "_meta")} WHERE {Quote(column)} IS NOT NULL ORDER BY {Quote(column)} DESC LIMIT {count}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                changes.Add((reader.GetString(0), column, reader.GetString(1)));
            }
        }

        return [.. changes.OrderByDescending(change => change.Item3, StringComparer.Ordinal).Take(count)];
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
