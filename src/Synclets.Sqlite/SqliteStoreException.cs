namespace Synclets.Sqlite;

/// <summary>A SQLite store that cannot be opened or written, with a reason a user can act on.</summary>
public sealed class SqliteStoreException : Exception
{
    /// <summary>Creates the exception with a reason.</summary>
    public SqliteStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the SQLite error behind it.</summary>
    public SqliteStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default reason.</summary>
    public SqliteStoreException()
        : base("The SQLite store failed.")
    {
    }
}
