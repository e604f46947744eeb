using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.Sqlite;

// The change log (see IChangeLog), numbered by row: a table of its own beside the reference's
// (which checks its tables column by column), holding for each row (the atoms' parent; at depth
// 1 each atom) the number of the commit that last wrote it, indexed by number, so what changed
// after a number is one range scan, and a changed row is fed whole. A row's number is written
// once per commit however many of its cells changed: a received batch of 2,048 atoms over 200
// rows costs 200 upserts, not 2,048. Another program's writes carry no numbers: when the
// triggers show one wrote, the rows it added are numbered, and the log starts a new epoch (what
// it changed in place is not in the log, so peers compare hashes once). Epoch, floor and
// checkpoints are rows of the hash table (SqliteChangeLogState).
public sealed partial class SqliteStore
{
    private readonly SqliteChangeLogState _log;
    private readonly HashSet<string> _pendingLogKeys = new(StringComparer.Ordinal); // The rows the unit wrote, numbered at its commit.
    private long _lastSequence;
    private bool _logLoaded;

    internal SqliteChangeLogState Log => _log;

    internal long LastSequence => _lastSequence;

    private string LogTable => SqliteSchema.Quote(SqliteSchema.ChangeLogTable(_options));

    /// <summary>Reads the log's state at open (its table is made with the others); rows written before logs were kept are numbered.</summary>
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

    /// <summary>Numbers the rows the unit of work wrote (before its commit, in its transaction).</summary>
    private void FlushLog()
    {
        if (_pendingLogKeys.Count == 0)
        {
            return;
        }

        Write(() =>
        {
            foreach (var key in _pendingLogKeys)
            {
                _statements.UpsertSequence.Run(key, NextSequence());
            }
        });
        _pendingLogKeys.Clear();
    }

    /// <summary>Rows without a number (written before logs were kept, or by another program) get the next ones, so a feed from the start carries them.</summary>
    private void NumberUnnumberedRows()
    {
        var levels = string.Join(", ", Enumerable.Range(1, Depth == 1 ? 1 : Depth - 1).Select(level => SqliteSchema.Quote(SqliteSchema.Level(_options, level))));
        var rows = new List<string>();
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = _unit.Transaction;
            command.CommandText = $"SELECT DISTINCT {levels} FROM {SqliteSchema.Quote(_options.MetaTable)}";
            using var reader = command.ExecuteReader();
            var ids = new string[reader.FieldCount];
            while (reader.Read())
            {
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = reader.GetString(i);
                }

                rows.Add(AtomJson.WriteAddress(ids));
            }
        }

        var numbered = new HashSet<string>(_connection.ReadStrings($"SELECT \"parent\" FROM {LogTable}", _unit.Transaction), StringComparer.Ordinal);
        foreach (var key in rows.Where(key => !numbered.Contains(key)))
        {
            _connection.Run($"INSERT INTO {LogTable} (\"parent\", \"seq\") VALUES (@p, @s)", _unit.Transaction, ("@p", key), ("@s", NextSequence()));
        }
    }

    /// <summary>Another program wrote the meta table: what it added is numbered now, and peers' checkpoints of our log no longer vouch for it.</summary>
    private void ChangeLogAfterOtherWriters()
    {
        NumberUnnumberedRows();
        _log.StartNewEpoch(_lastSequence);
    }

    /// <summary>The next number, for a row about to be written.</summary>
    private long NextSequence() => ++_lastSequence;

    /// <summary>The atoms of every row numbered after <paramref name="after"/>, a row's atoms together, in the order of the rows' numbers.</summary>
    internal IEnumerable<LoggedAtom> ReadChanges(long after, CancellationToken cancellationToken)
    {
        FlushHashes();
        var levels = Enumerable.Range(1, Depth).Select(level => "m." + SqliteSchema.Quote(SqliteSchema.Level(_options, level))).ToArray();
        var address = SqliteSchema.Quote(_options.AddressColumn);
        var sql =
            $"SELECT {string.Join(", ", levels)}, m.{SqliteSchema.Quote(_options.TimestampColumn)}, d.{SqliteSchema.Quote(_options.AtomColumn)}, l.\"seq\" "
            + $"FROM {LogTable} l JOIN {SqliteSchema.Quote(_options.MetaTable)} m ON {RowAtoms} LEFT JOIN {SqliteSchema.Quote(_options.DataTable)} d ON d.{address} = m.{address} "
            + $"WHERE l.\"seq\" > @after ORDER BY l.\"seq\", m.{address}";
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
        _connection.ReadInteger($"SELECT count(*) FROM {LogTable} l JOIN {SqliteSchema.Quote(_options.MetaTable)} m ON {RowAtoms} WHERE l.\"seq\" > {after}", _unit.Transaction) ?? 0;

    /// <summary>
    /// Joins a log row <c>l</c> to its atoms in the meta table <c>m</c>: a range of the meta
    /// table's key, the addresses that start with the row's JSON prefix (see PrefixRange):
    /// '["r1"]' gives '["r1",' up to '["r1"-'. At depth 1 the log row is the atom's own address.
    /// </summary>
    private string RowAtoms
    {
        get
        {
            var address = SqliteSchema.Quote(_options.AddressColumn);
            return Depth == 1
                ? $"m.{address} = l.\"parent\""
                : $"m.{address} >= substr(l.\"parent\", 1, length(l.\"parent\") - 1) || ',' AND m.{address} < substr(l.\"parent\", 1, length(l.\"parent\") - 1) || '-'";
        }
    }
}
