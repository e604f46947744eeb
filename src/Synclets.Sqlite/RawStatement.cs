using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Synclets.Sqlite;

/// <summary>
/// A statement prepared once on the connection's own SQLite handle and bound by position. The
/// statements that run once per atom or row go through it: Microsoft.Data.Sqlite binds every
/// parameter by name on every execution (a name marshalled and looked up per parameter), which
/// cost more than SQLite's own work for a 13-value upsert. Runs inside whatever transaction the
/// connection has open; failures surface as <see cref="SqliteException"/>, like the rest.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int MaxBufferedChars = 16 * 1024;
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _positions;
    private byte[] _utf8 = new byte[256]; // The text being bound, encoded; SQLite copies it (SQLITE_TRANSIENT), so one buffer serves every value.

    public RawStatement(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        Check(raw.sqlite3_prepare_v2(_database, sql, out _statement));
        _positions = [.. parameterNames.Select(name => raw.sqlite3_bind_parameter_index(_statement, name))];
    }

    /// <summary>Binds the values in the order of the parameter names (null is SQL NULL), runs, and returns the first column of the first row, if any.</summary>
    public object? Run(params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            Bind(i, values[i]);
        }

        return Step();
    }

    /// <summary>Binds the value of the <paramref name="parameter"/>th parameter name.</summary>
    public void Bind(int parameter, object? value)
    {
        var position = _positions[parameter];
        Check(value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, position),
            string text => BindUtf8(position, text),
            long integer => raw.sqlite3_bind_int64(_statement, position, integer),
            int integer => raw.sqlite3_bind_int64(_statement, position, integer),
            double real => raw.sqlite3_bind_double(_statement, position, real),
            bool flag => raw.sqlite3_bind_int64(_statement, position, flag ? 1 : 0),
            _ => raw.sqlite3_bind_text(_statement, position, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
        });
    }

    /// <summary>Binds text (null is SQL NULL) to the <paramref name="parameter"/>th parameter name.</summary>
    public void BindText(int parameter, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, _positions[parameter]) : BindUtf8(_positions[parameter], value));

    /// <summary>Binds an integer to the <paramref name="parameter"/>th parameter name.</summary>
    public void BindInt64(int parameter, long value) => Check(raw.sqlite3_bind_int64(_statement, _positions[parameter], value));

    /// <summary>Binds a real to the <paramref name="parameter"/>th parameter name.</summary>
    public void BindDouble(int parameter, double value) => Check(raw.sqlite3_bind_double(_statement, _positions[parameter], value));

    /// <summary>Runs with the values bound so far; returns the first column of the first row, if any.</summary>
    public object? Step()
    {
        try
        {
            var result = raw.sqlite3_step(_statement);
            if (result == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_type(_statement, 0) switch
                {
                    raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, 0),
                    raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, 0),
                    raw.SQLITE_NULL => null,
                    _ => raw.sqlite3_column_text(_statement, 0).utf8_to_string(),
                };
            }

            Check(result);
            return null;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Steps a query to its next row; false at the end, when the statement is reset for its next run.</summary>
    public bool Read()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }

        raw.sqlite3_reset(_statement);
        Check(result);
        return false;
    }

    /// <summary>True when the current row's <paramref name="column"/> is NULL.</summary>
    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public string GetString(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>The current row's <paramref name="column"/> as text, null when it is NULL: one native call where <see cref="IsNull"/> and <see cref="GetString"/> take two.</summary>
    public string? GetTextOrNull(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public double GetDouble(int column) => raw.sqlite3_column_double(_statement, column);

    public void Dispose() => _statement.Dispose();

    /// <summary>
    /// Binds text encoded into this statement's buffer: SQLitePCL's string overload allocates an
    /// array per value, which for a bulk write was a tenth of the time. Lone surrogates become
    /// U+FFFD either way (the stores refuse them before they get here). The empty string goes the
    /// allocating way, as an empty span pins as a null pointer and SQLite would bind NULL; so do
    /// large values, so that the buffer never holds on to megabytes.
    /// </summary>
    private int BindUtf8(int position, string text)
    {
        if (text.Length == 0 || text.Length > MaxBufferedChars)
        {
            return raw.sqlite3_bind_text(_statement, position, text);
        }

        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < needed)
        {
            _utf8 = new byte[Math.Max(needed, _utf8.Length * 2)];
        }

        var written = Encoding.UTF8.GetBytes(text, _utf8);
        return raw.sqlite3_bind_text(_statement, position, _utf8.AsSpan(0, written));
    }

    private void Check(int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            throw new SqliteException($"SQLite Error {result}: '{raw.sqlite3_errmsg(_database).utf8_to_string()}'.", result, raw.sqlite3_extended_errcode(_database));
        }
    }
}
