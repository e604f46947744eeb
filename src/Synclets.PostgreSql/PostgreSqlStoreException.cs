namespace Synclets.PostgreSql;

/// <summary>A PostgreSQL store could not be opened, read or written; the message says why and what to do.</summary>
public sealed class PostgreSqlStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PostgreSqlStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PostgreSqlStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PostgreSqlStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
