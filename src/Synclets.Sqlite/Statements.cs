using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>
/// The per-atom statements, prepared once and reused. These run for every atom of a sync, so they
/// bypass Dapper's per-call parameter mapping (and, for writes, Microsoft.Data.Sqlite's binding by
/// name); everything else in the store goes through Dapper.
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

/// <summary>
/// One statement prepared once: writes and point reads run on <see cref="RawStatement"/>, bound by
/// position; queries that stream rows run as a Microsoft.Data.Sqlite command.
/// </summary>
internal sealed class Statement : IDisposable
{
    private readonly RawStatement _raw;
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public Statement(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        _raw = new RawStatement(connection, sql, parameterNames);
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        _parameters = [.. parameterNames.Select(name => _command.Parameters.Add(new SqliteParameter { ParameterName = name }))];
    }

    /// <summary>The statement on the raw handle, to bind values one by one, typed, before <see cref="RawStatement.Step"/>.</summary>
    public RawStatement Raw => _raw;

    /// <summary>Runs with the given parameter values (null is SQL NULL), in the connection's open transaction if any; returns the first column of the first row, if any.</summary>
    public object? Run(params ReadOnlySpan<object?> values) => _raw.Run(values);

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
    public void RunWithLevels(string address, string value, IReadOnlyList<string> levels)
    {
        _raw.Bind(0, address);
        _raw.Bind(1, value);
        for (var i = 0; i < levels.Count; i++)
        {
            _raw.Bind(i + 2, levels[i]);
        }

        _raw.Step();
    }

    public void Dispose()
    {
        _raw.Dispose();
        _command.Dispose();
    }
}
