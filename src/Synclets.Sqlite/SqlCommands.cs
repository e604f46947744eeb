using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>
/// The few shapes of statement the stores run outside their prepared hot paths (schema, counts,
/// child ids), written straight on Microsoft.Data.Sqlite: strings and scalars in, no reflection,
/// so a trimmed or native-AOT app runs them as is (a mapper's anonymous parameters were trimmed
/// away: "Must add values for the following parameters").
/// </summary>
internal static class SqlCommands
{
    /// <summary>Runs a statement that returns no rows; parameters are (name, value) pairs, named with their '@'.</summary>
    public static int Run(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc cref="Run"/>
    public static async Task<int> RunAsync(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The first column of every row, as text (NULL as null is skipped: ids and names are never NULL).</summary>
    public static List<string> ReadStrings(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, transaction, parameters);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                values.Add(reader.GetString(0));
            }
        }

        return values;
    }

    /// <summary>The first two columns of every row, as text.</summary>
    public static List<(string First, string Second)> ReadStringPairs(this SqliteConnection connection, string sql)
    {
        using var command = Create(connection, sql, null, []);
        using var reader = command.ExecuteReader();
        var values = new List<(string, string)>();
        while (reader.Read())
        {
            values.Add((reader.GetString(0), reader.IsDBNull(1) ? string.Empty : reader.GetString(1)));
        }

        return values;
    }

    /// <summary>The first column of the first row as text, or null when there is no row or it is NULL.</summary>
    public static string? ReadString(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null) =>
        Scalar(connection, sql, transaction) as string;

    /// <summary>The first column of the first row as an integer, or null when there is no row or it is NULL.</summary>
    public static long? ReadInteger(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null) =>
        Scalar(connection, sql, transaction) is long value ? value : null;

    /// <summary>Opens a reader over the rows of <paramref name="sql"/>; the caller disposes it.</summary>
    public static SqliteDataReader ReadRows(this SqliteConnection connection, string sql)
    {
        var command = Create(connection, sql, null, []);
        return command.ExecuteReader(System.Data.CommandBehavior.Default);
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction)
    {
        using var command = Create(connection, sql, transaction, []);
        return command.ExecuteScalar() is var value && value is DBNull ? null : value;
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, SqliteTransaction? transaction, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
