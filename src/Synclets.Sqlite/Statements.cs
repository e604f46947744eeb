using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>
/// The per-atom statements, prepared once and reused. These run for every atom of a sync, so they
/// bypass Dapper's per-call parameter mapping; everything else in the store goes through Dapper.
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

        SelectAtom = new Statement(connection, $"SELECT {SqliteSchema.Quote(options.AtomColumn)} FROM {SqliteSchema.Quote(options.DataTable)} WHERE {address} = @a", "@a");
        UpsertAtom = new Statement(connection, Upsert(options.DataTable, options.AtomColumn), ["@a", "@v", .. Enumerable.Range(1, depth).Select(i => "@l" + i)]);
        DeleteAtom = new Statement(connection, $"DELETE FROM {SqliteSchema.Quote(options.DataTable)} WHERE {address} = @a", "@a");
        SelectTimestamp = new Statement(connection, $"SELECT {SqliteSchema.Quote(options.TimestampColumn)} FROM {SqliteSchema.Quote(options.MetaTable)} WHERE {address} = @a", "@a");
        UpsertTimestamp = new Statement(connection, Upsert(options.MetaTable, options.TimestampColumn), ["@a", "@v", .. Enumerable.Range(1, depth).Select(i => "@l" + i)]);
        SelectHash = new Statement(connection, $"SELECT \"hash\" FROM {SqliteSchema.Quote(options.HashTable)} WHERE \"parent\" = @a", "@a");

        // The children of a parent one level above the atoms: a range of the primary key (see SqliteStore.PrefixRange).
        string Children(string table, string column) =>
            $"SELECT {levels[^1]}, {SqliteSchema.Quote(column)} FROM {SqliteSchema.Quote(table)} WHERE {address} >= @from AND {address} < @to";
        SelectChildAtoms = new Statement(connection, Children(options.DataTable, options.AtomColumn), "@from", "@to");
        SelectChildTimestamps = new Statement(connection, Children(options.MetaTable, options.TimestampColumn), "@from", "@to");

        // SQLite has no XOR operator: (a | b) - (a & b) is a XOR b.
        XorHash = new Statement(connection, $"INSERT INTO {SqliteSchema.Quote(options.HashTable)} (\"parent\", \"hash\") VALUES (@a, @v) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = (\"hash\" | excluded.\"hash\") - (\"hash\" & excluded.\"hash\")", "@a", "@v");
    }

    public Statement SelectAtom { get; }

    public Statement UpsertAtom { get; }

    public Statement DeleteAtom { get; }

    public Statement SelectTimestamp { get; }

    public Statement UpsertTimestamp { get; }

    public Statement SelectHash { get; }

    public Statement XorHash { get; }

    public Statement SelectChildAtoms { get; }

    public Statement SelectChildTimestamps { get; }

    public void Dispose()
    {
        foreach (var statement in new[] { SelectAtom, UpsertAtom, DeleteAtom, SelectTimestamp, UpsertTimestamp, SelectHash, XorHash, SelectChildAtoms, SelectChildTimestamps })
        {
            statement.Dispose();
        }
    }
}

/// <summary>One prepared command with its parameters.</summary>
internal sealed class Statement : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public Statement(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        _parameters = [.. parameterNames.Select(name => _command.Parameters.Add(new SqliteParameter { ParameterName = name }))];
    }

    /// <summary>Runs with the given parameter values (null is SQL NULL); returns the first column of the first row, if any.</summary>
    public object? Run(SqliteTransaction? transaction, params object?[] values)
    {
        _command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return _command.ExecuteScalar();
    }

    /// <summary>Runs a query with the given parameter values; the caller reads and disposes the rows.</summary>
    public SqliteDataReader Query(SqliteTransaction? transaction, params object?[] values)
    {
        _command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return _command.ExecuteReader();
    }

    /// <summary>Runs an upsert whose parameters are the address, the value and then each level of the address.</summary>
    public void RunWithLevels(SqliteTransaction? transaction, string address, string value, IReadOnlyList<string> levels)
    {
        _command.Transaction = transaction;
        _parameters[0].Value = address;
        _parameters[1].Value = value;
        for (var i = 0; i < levels.Count; i++)
        {
            _parameters[i + 2].Value = levels[i];
        }

        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();
}
