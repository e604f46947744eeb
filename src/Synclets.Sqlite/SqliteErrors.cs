using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>SQLite's result codes that a store explains, and the one place that turns a failure into a message saying what to do.</summary>
internal static class SqliteErrors
{
    /// <summary>SQLITE_BUSY: another connection holds the lock past the busy timeout.</summary>
    public const int Busy = 5;

    /// <summary>SQLITE_LOCKED: a table is locked within this connection's shared cache.</summary>
    public const int Locked = 6;

    /// <summary>SQLITE_READONLY: the file or the connection cannot be written.</summary>
    public const int ReadOnly = 8;

    /// <summary>SQLITE_FULL: the disk (or the database's size limit) is full.</summary>
    public const int Full = 13;

    /// <summary>A unit of work failed at <paramref name="what"/> ("write", "commit"): what happened, and that nothing of it was kept.</summary>
    public static SqliteStoreException Failure(string what, SqliteException exception) => new(
        exception.SqliteErrorCode switch
        {
            Busy or Locked => $"Could not {what} the SQLite store: the database is locked by another connection or program ({exception.Message}). Nothing of this unit of work was kept; it will be retried by the next sync.",
            ReadOnly => $"Could not {what} the SQLite store: it is read-only ({exception.Message}). Open a writable copy.",
            Full => $"Could not {what} the SQLite store: the disk is full ({exception.Message}). Nothing of this unit of work was kept; free space and sync again.",
            _ => $"Could not {what} the SQLite store: {exception.Message}. Nothing of this unit of work was kept.",
        },
        exception);
}
