using Synclets.Connectors;

namespace Synclets.Sqlite;

// The change log (see IChangeLog), numbered by atom: a table of its own beside the reference's
// (which checks its tables column by column), holding each atom address's number of the write
// that last stamped it, indexed by number, so what changed after a number is one range scan.
// Another program's writes carry no numbers: when the triggers show one wrote, what it added is
// numbered, and the log starts a new epoch (what it changed in place is not in the log, so peers
// compare hashes once). Epoch, floor and checkpoints are rows of the hash table
// (SqliteChangeLogState).
public sealed partial class SqliteStore
{
    private readonly SqliteChangeLogState _log;
    private long _lastSequence;
    private bool _logLoaded;

    internal SqliteChangeLogState Log => _log;

    internal long LastSequence => _lastSequence;

    private string LogTable => SqliteSchema.Quote(SqliteSchema.ChangeLogTable(_options));

    /// <summary>Reads the log's state at open (its table is made with the others); addresses written before logs were kept are numbered in storage order.</summary>
    private void EnsureChangeLog()
    {
        _log.Load();
        _lastSequence = _connection.ReadInteger($"SELECT max(\"seq\") FROM {LogTable}") ?? 0;
        NumberUnnumberedRows();
        _logLoaded = true;
    }

    /// <summary>
    /// A read-only store's log: what the file holds, written nowhere. A file that never kept a log
    /// has none: its epoch is empty, and a synclet on it syncs by hashes.
    /// </summary>
    private void ReadChangeLog()
    {
        if (!SqliteSchema.HasChangeLogTable(_connection, _options)
            || _connection.ReadStrings($"SELECT name FROM pragma_table_info({SqliteSchema.Quote(_options.HashTable).Replace("\"", "'", StringComparison.Ordinal)})").Count == 0)
        {
            return;
        }

        _log.LoadReadOnly();
        _lastSequence = _connection.ReadInteger($"SELECT max(\"seq\") FROM {LogTable}") ?? 0;
    }

    /// <summary>Addresses without a number (written before logs were kept, or by another program) get the next ones, so a feed from the start carries them.</summary>
    private void NumberUnnumberedRows()
    {
        var meta = SqliteSchema.Quote(_options.MetaTable);
        var address = SqliteSchema.Quote(_options.AddressColumn);
        var numbered = _connection.Run(
            $"INSERT INTO {LogTable} (\"address\", \"seq\") SELECT m.{address}, @last + row_number() OVER () FROM {meta} m WHERE NOT EXISTS (SELECT 1 FROM {LogTable} l WHERE l.\"address\" = m.{address})",
            _unit.Transaction,
            ("@last", _lastSequence));
        _lastSequence += numbered;
    }

    /// <summary>Another program wrote the meta table: what it added is numbered now, and peers' checkpoints of our log no longer vouch for it.</summary>
    private void ChangeLogAfterOtherWriters()
    {
        NumberUnnumberedRows();
        _log.StartNewEpoch(_lastSequence);
    }

    /// <summary>The next number, for a timestamp about to be written.</summary>
    private long NextSequence() => ++_lastSequence;

    internal IEnumerable<LoggedAtom> ReadChanges(long after, CancellationToken cancellationToken)
    {
        FlushHashes();
        var levels = Enumerable.Range(1, Depth).Select(level => "m." + SqliteSchema.Quote(SqliteSchema.Level(_options, level))).ToArray();
        var address = SqliteSchema.Quote(_options.AddressColumn);
        var sql =
            $"SELECT {string.Join(", ", levels)}, m.{SqliteSchema.Quote(_options.TimestampColumn)}, d.{SqliteSchema.Quote(_options.AtomColumn)}, l.\"seq\" "
            + $"FROM {LogTable} l JOIN {SqliteSchema.Quote(_options.MetaTable)} m ON m.{address} = l.\"address\" LEFT JOIN {SqliteSchema.Quote(_options.DataTable)} d ON d.{address} = m.{address} "
            + $"WHERE l.\"seq\" > @after ORDER BY l.\"seq\"";
        using var rows = new RawStatement(_connection, sql, "@after");
        rows.BindInt64(0, after);
        while (rows.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (atomAddress, timestamp, atom) = ReadAtomRow(rows);
            yield return new LoggedAtom(atomAddress, timestamp, atom, rows.GetInt64(Depth + 2));
        }
    }

    internal long CountChanges(long after) =>
        _connection.ReadInteger(
            $"SELECT count(*) FROM {LogTable} l JOIN {SqliteSchema.Quote(_options.MetaTable)} m ON m.{SqliteSchema.Quote(_options.AddressColumn)} = l.\"address\" WHERE l.\"seq\" > {after}",
            _unit.Transaction) ?? 0;
}
