using System.Globalization;
using Microsoft.Data.Sqlite;
using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.Sqlite;

/// <summary>
/// A synclet's data and meta in one SQLite database, in the JavaScript reference's layout: tables
/// <c>data</c> and <c>meta</c> keyed by the address as JSON text, with one column per address
/// level. Each unit of work (one received message, one local change) is one transaction, so an
/// atom is never stored without its timestamp or the reverse. Parent hashes are kept in a table
/// of their own, updated with each commit, so no hash needs a scan.
/// </summary>
/// <example>
/// <code>
/// await using var store = await SqliteStore.OpenAsync("todos.db", depth: 2);
/// await using var synclet = new Synclet(store.Data, store.Meta, transport);
/// </code>
/// </example>
public sealed partial class SqliteStore : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteStoreOptions _options;
    private readonly Statements _statements;
    private readonly Dictionary<string, uint> _pendingHashes = new(StringComparer.Ordinal);
    private Dictionary<string, uint>? _computedHashes;
    private readonly SqliteUnitOfWork _unit;
    private readonly Action _catchUpAtBegin; // Made once: a method group would be a new delegate at every write.
    private bool _rebuiltHashes;
    private (string Address, string Timestamp)? _lastTimestampRead;
    private (string Parent, Dictionary<string, string> Timestamps)? _lastRowRead;
    private string[] _lastIds = [];
    private string[] _lastKeys = ["[]"];

    private SqliteStore(SqliteConnection connection, int depth, SqliteStoreOptions options)
    {
        _connection = connection;
        _options = options;
        Depth = depth;
        _statements = new Statements(connection, depth, options);
        _unit = new SqliteUnitOfWork(connection);
        _log = new SqliteChangeLogState(connection, SqliteSchema.Quote(options.HashTable), _unit);
        _catchUpAtBegin = CatchUpAtBegin;
        Data = new SqliteDataConnector(this);
        Meta = new SqliteMetaConnector(this);
    }

    /// <summary>The depth of the tree.</summary>
    public int Depth { get; }

    /// <summary>The data connector to give a synclet.</summary>
    public SqliteDataConnector Data { get; }

    /// <summary>The meta connector to give a synclet (with stored hashes).</summary>
    public SqliteMetaConnector Meta { get; }

    /// <summary>
    /// Opens (and creates what is missing of) a store in a SQLite file, or with a full connection
    /// string when <paramref name="pathOrConnectionString"/> contains '='.
    /// </summary>
    /// <exception cref="SqliteStoreException">The file cannot be opened, or holds tables of another shape; the message says which and what to do.</exception>
    public static async Task<SqliteStore> OpenAsync(string pathOrConnectionString, int depth, SqliteStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrConnectionString);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        options ??= SqliteStoreOptions.Default;
        SqliteConnection? connection = null;
        try
        {
            (connection, var readOnly) = await SqliteConnections.OpenAsync(pathOrConnectionString, options, cancellationToken).ConfigureAwait(false);
            if (readOnly)
            {
                // Nothing written: the hashes are computed in memory, once.
                SqliteSchema.Check(connection, depth, options);
                var readOnlyStore = new SqliteStore(connection, depth, options) { _computedHashes = SqliteLayout.ComputeHashes(connection, depth, options) };
                readOnlyStore.ReadChangeLog();
                return readOnlyStore;
            }

            SqliteSchema.Ensure(connection, depth, options);
            var store = new SqliteStore(connection, depth, options);

            // The triggers are for other programs' writes: ours keep the hashes themselves, and
            // firing an UPDATE per written timestamp cost about a third of a sync's time.
            SQLitePCL.raw.sqlite3_db_config(connection.Handle, SQLitePCL.raw.SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, out _);
            store.Upgrade();
            store.EnsureChangeLog();
            return store;
        }
        catch (SqliteException exception)
        {
            await SqliteConnections.CloseAsync(connection).ConfigureAwait(false);
            throw new SqliteStoreException($"Could not open the SQLite store '{pathOrConnectionString}': {exception.Message} Check that the path exists, is writable and is not locked by another program.", exception);
        }
        catch
        {
            await SqliteConnections.CloseAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The depth of the store in an existing file (its level columns), or null when the file holds no store.</summary>
    public static async Task<int?> ReadDepthAsync(string path, SqliteStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= SqliteStoreOptions.Default;
        if (!File.Exists(path))
        {
            return null;
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var columns = connection.ReadStrings($"SELECT name FROM pragma_table_info('{options.MetaTable.Replace("'", "''", StringComparison.Ordinal)}')");
        var depth = columns.Count(column => column.StartsWith(options.LevelColumnPrefix, StringComparison.Ordinal) && column.Length > options.LevelColumnPrefix.Length && column[options.LevelColumnPrefix.Length..].All(char.IsAsciiDigit));
        return depth == 0 ? null : depth;
    }

    /// <summary>Closes the database (rolling back a unit of work left open).</summary>
    public async ValueTask DisposeAsync()
    {
        await _unit.RollbackAsync().ConfigureAwait(false);
        _statements.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    internal void BeginUnit() => _unit.Begin();

    internal async ValueTask CommitUnitAsync()
    {
        var committed = await _unit.CommitAsync(
            beforeCommit: () =>
            {
                FlushHashes();
                if (_rebuiltHashes && _unit.Transaction is not null)
                {
                    _statements.ClearChanged.Step(); // The rebuilt hashes take in what the other writer did.
                }

                _rebuiltHashes = false;
            },
            onRollback: () =>
            {
                ForgetUnit();
                _log.RolledBack();
            }).ConfigureAwait(false);
        if (committed)
        {
            _log.Committed();
        }
    }

    internal async ValueTask RollbackUnitAsync()
    {
        ForgetUnit();
        await _unit.RollbackAsync().ConfigureAwait(false);
        _log.RolledBack();
    }

    internal string? GetAtomJson(IReadOnlyList<string> address) =>
        _statements.SelectAtom.Run(Key(address)) as string;

    internal void SetAtom(IReadOnlyList<string> address, Atom atom) =>
        Write(() => Upsert(_statements.UpsertAtom, Key(address), AtomJson.Write(atom), address));

    internal void RemoveAtom(IReadOnlyList<string> address) =>
        Write(() => _statements.DeleteAtom.Run(Key(address)));

    /// <summary>The greatest timestamp in the meta table (an index-free scan, once at start).</summary>
    internal string GetLatestTimestamp() =>
        _connection.ReadString($"SELECT MAX({SqliteSchema.Quote(_options.TimestampColumn)}) FROM {SqliteSchema.Quote(_options.MetaTable)}", _unit.Transaction) is { } latest
            ? SqliteLayout.ReadTimestamp(latest)
            : Timestamp.None;

    internal string GetTimestamp(IReadOnlyList<string> address)
    {
        var key = Key(address);
        var timestamp = ReadStoredTimestamp(key);
        _lastTimestampRead = (key, timestamp);
        return timestamp;
    }

    internal void SetTimestamp(IReadOnlyList<string> address, string timestamp)
    {
        if (!_unit.IsOpen)
        {
            // A write outside a unit of work stands alone, in a transaction of its own: its hash deltas commit with it.
            RunUnit(() => SetTimestamp(address, timestamp));
            return;
        }

        // The transaction first: it may find another writer's changes and reset what was read before it.
        EnsureTransaction();
        var key = Key(address);

        // The engine reads an atom's timestamp (or its whole row's) just before it replaces it: reuse that read.
        string previous;
        if (_lastTimestampRead is { } last && last.Address == key)
        {
            previous = last.Timestamp;
        }
        else if (_lastRowRead is { } row && row.Parent == _lastKeys[address.Count - 1])
        {
            previous = row.Timestamps.TryGetValue(address[^1], out var known) ? known : Timestamp.None;
            row.Timestamps[address[^1]] = timestamp;
        }
        else
        {
            previous = ReadStoredTimestamp(key);
        }

        _lastTimestampRead = null;
        Write(() => Upsert(_statements.UpsertTimestamp, key, timestamp, address));
        _pendingLogKeys.Add(Depth == 1 ? key : _lastKeys[Depth - 1]);
        var delta = Fnv1a.Hash(timestamp) ^ (previous.Length == 0 ? 0 : Fnv1a.Hash(previous));
        for (var length = 0; length < address.Count; length++)
        {
            var parent = _lastKeys[length];
            _pendingHashes[parent] = (_pendingHashes.TryGetValue(parent, out var pending) ? pending : 0) ^ delta;
        }
    }

    internal uint GetHash(IReadOnlyList<string> parent)
    {
        var key = AtomJson.WriteAddress(parent);
        if (_computedHashes is not null)
        {
            return _computedHashes.TryGetValue(key, out var computed) ? computed : 0;
        }

        if (_unit.Transaction is null && _statements.SelectChanged.Step() is long changed && changed != 0)
        {
            CatchUpWithOtherWriters();
        }

        FlushHashes();
        var hash = _statements.SelectHash.Run(key);
        return hash is long value ? (uint)value : 0;
    }

    internal IReadOnlyCollection<string> GetChildIds(string table, IReadOnlyList<string> address)
    {
        if (address.Count >= Depth)
        {
            return [];
        }

        var level = SqliteSchema.Quote(SqliteSchema.Level(_options, address.Count + 1));
        var sql = $"SELECT DISTINCT {level} FROM {SqliteSchema.Quote(table)} WHERE {PrefixCondition}";
        var (from, to) = PrefixRange(address);
        return _connection.ReadStrings(sql, _unit.Transaction, ("@from", from), ("@to", to));
    }

    /// <summary>The atoms (as JSON) or timestamps directly under a parent one level above the atoms, by id.</summary>
    internal IReadOnlyDictionary<string, string> GetChildValues(bool timestamps, IReadOnlyList<string> parent)
    {
        var (from, to) = PrefixRange(parent);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = timestamps ? _statements.SelectChildTimestamps : _statements.SelectChildAtoms;
        rows.BindText(0, from);
        rows.BindText(1, to);
        while (rows.Read())
        {
            values[rows.GetString(0)] = timestamps ? SqliteLayout.ReadTimestamp(rows.GetString(1)) : rows.GetString(1);
        }

        if (timestamps)
        {
            _lastRowRead = (Key(parent), new Dictionary<string, string>(values, StringComparer.Ordinal));
        }

        return values;
    }

    /// <summary>The rows under a table from the data table alone (no timestamps), each row's atoms together: they share a key prefix.</summary>
    internal void ReadRows(IReadOnlyList<string> table, RowVisitor onRow, CancellationToken cancellationToken)
    {
        var rowLevel = SqliteSchema.Quote(SqliteSchema.Level(_options, table.Count + 1));
        var atomLevel = SqliteSchema.Quote(SqliteSchema.Level(_options, Depth));
        var sql = $"SELECT {rowLevel}, {atomLevel}, {SqliteSchema.Quote(_options.AtomColumn)} FROM {SqliteSchema.Quote(_options.DataTable)} WHERE {PrefixCondition} ORDER BY {SqliteSchema.Quote(_options.AddressColumn)}";
        using var rows = new RawStatement(_connection, sql, "@from", "@to");
        var (from, to) = PrefixRange(table);
        rows.Bind(0, from);
        rows.Bind(1, to);
        string? rowId = null;
        var cells = new Dictionary<string, Atom>(StringComparer.Ordinal);
        while (rows.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = rows.GetString(0);
            if (!string.Equals(id, rowId, StringComparison.Ordinal))
            {
                if (rowId is not null)
                {
                    onRow(rowId, cells);
                }

                rowId = id;
                cells.Clear();
            }

            var atomId = rows.GetString(1);
            cells[atomId] = SqliteDataConnector.Parse(rows.GetString(2), [.. table, id, atomId]);
        }

        if (rowId is not null)
        {
            onRow(rowId, cells);
        }
    }

    /// <summary>Every atom below a parent with its timestamp, in key order; read on the raw handle (see <see cref="RawStatement"/>), synchronously.</summary>
    internal IEnumerable<SubtreeAtom> ReadSubtree(IReadOnlyList<string> parent, CancellationToken cancellationToken)
    {
        var levels = Enumerable.Range(1, Depth).Select(level => "m." + SqliteSchema.Quote(SqliteSchema.Level(_options, level))).ToArray();
        var address = SqliteSchema.Quote(_options.AddressColumn);
        var sql =
            $"SELECT {string.Join(", ", levels)}, m.{SqliteSchema.Quote(_options.TimestampColumn)}, d.{SqliteSchema.Quote(_options.AtomColumn)} "
            + $"FROM {SqliteSchema.Quote(_options.MetaTable)} m LEFT JOIN {SqliteSchema.Quote(_options.DataTable)} d ON d.{address} = m.{address} "
            + $"WHERE m.{address} >= @from AND m.{address} < @to ORDER BY m.{address}";
        using var rows = new RawStatement(_connection, sql, "@from", "@to");
        var (from, to) = PrefixRange(parent);
        rows.Bind(0, from);
        rows.Bind(1, to);
        while (rows.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (atomAddress, timestamp, atom) = ReadAtomRow(rows);
            yield return new SubtreeAtom(atomAddress, timestamp, atom);
        }
    }

    /// <summary>One row of a meta table joined with its data: the levels, then the timestamp and the atom (null when deleted).</summary>
    private (string[] Address, string Timestamp, Atom Atom) ReadAtomRow(RawStatement rows)
    {
        var atomAddress = new string[Depth];
        for (var level = 0; level < Depth; level++)
        {
            atomAddress[level] = rows.GetString(level);
        }

        var atom = rows.IsNull(Depth + 1) ? Atom.Absent : SqliteDataConnector.Parse(rows.GetString(Depth + 1), atomAddress);
        return (atomAddress, SqliteLayout.ReadTimestamp(rows.GetString(Depth)), atom);
    }

    /// <summary>Runs an upsert whose parameters are the address key, the value and then each level of the address.</summary>
    private static void Upsert(RawStatement upsert, string key, string value, IReadOnlyList<string> levels)
    {
        upsert.BindText(0, key);
        upsert.BindText(1, value);
        for (var i = 0; i < levels.Count; i++)
        {
            upsert.BindText(i + 2, levels[i]);
        }

        upsert.Step();
    }

    /// <summary>The store's connection, for tests that simulate failures on it.</summary>
    internal SqliteConnection Connection => _connection;

    internal string DataTable => _options.DataTable;

    internal string MetaTable => _options.MetaTable;

    /// <summary>
    /// The JSON key of an address, and of each of its parents in <see cref="_lastKeys"/>. The engine
    /// reads and writes one atom several times in a row, and walks rows in order, so the keys of
    /// the last address are kept and reused for as long as its ids match.
    /// </summary>
    private string Key(IReadOnlyList<string> address)
    {
        var count = address.Count;
        if (_lastIds.Length != count)
        {
            _lastIds = new string[count];
            _lastKeys = new string[count + 1];
            _lastKeys[0] = "[]";
        }

        var same = 0;
        while (same < count && _lastIds[same] is { } id && string.Equals(id, address[same], StringComparison.Ordinal))
        {
            same++;
        }

        for (var length = same + 1; length <= count; length++)
        {
            _lastIds[length - 1] = address[length - 1];
            var parentKey = _lastKeys[length - 1];
            var idKey = AtomJson.WriteAddress([address[length - 1]]);
            _lastKeys[length] = length == 1 ? idKey : string.Concat(parentKey.AsSpan(0, parentKey.Length - 1), ",", idKey.AsSpan(1));
        }

        return _lastKeys[count];
    }

    private void Write(Action write) => _unit.Write(write, _catchUpAtBegin);

    /// <summary>Begins the unit of work's transaction at its first write, taking in first what other programs wrote before it.</summary>
    private void EnsureTransaction() => _unit.EnsureTransaction(_catchUpAtBegin);

    /// <summary>With the write lock just taken, nobody else can write until we commit: take in what others wrote before.</summary>
    private void CatchUpAtBegin()
    {
        if (_statements.SelectChanged.Step() is long changed && changed != 0)
        {
            RebuildHashes();
        }
    }

    /// <summary>Runs <paramref name="work"/> as a unit of work of its own, committed (SQLite commits synchronously) or rolled back.</summary>
    private void RunUnit(Action work)
    {
        BeginUnit();
        try
        {
            work();
            CommitUnitAsync().AsTask().GetAwaiter().GetResult();
        }
        catch
        {
            RollbackUnitAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    private void FlushHashes()
    {
        FlushLog();
        if (_pendingHashes.Count == 0)
        {
            return;
        }

        Write(() =>
        {
            foreach (var (parent, delta) in _pendingHashes)
            {
                _statements.XorHash.Run(parent, (long)delta);
            }
        });
        _pendingHashes.Clear();
    }

    /// <summary>What this store buffered or read for the unit of work, forgotten when it rolls back.</summary>
    private void ForgetUnit()
    {
        _pendingHashes.Clear();
        _pendingLogKeys.Clear();
        _rebuiltHashes = false;
        _lastTimestampRead = null;
        _lastRowRead = null;
    }

    /// <summary>Converts an older layout and installs the change triggers (see <see cref="SqliteLayout"/>), rebuilding the hashes when they cannot be trusted.</summary>
    private void Upgrade() => RunUnit(() => Write(() =>
    {
        if (SqliteLayout.Upgrade(_connection, _options, _unit.Transaction!) && !_rebuiltHashes)
        {
            RebuildHashes();
        }
    }));

    /// <summary>Another writer changed the meta table while no unit of work was open: rebuild the hashes in a transaction of their own.</summary>
    private void CatchUpWithOtherWriters() => RunUnit(EnsureTransaction); // The transaction's start finds the flag and rebuilds.

    /// <summary>
    /// Every parent's hash from the meta table, replacing the stored ones, inside the open
    /// transaction; what was read before it may be another writer's past, so it is forgotten.
    /// </summary>
    private void RebuildHashes()
    {
        _lastTimestampRead = null;
        _lastRowRead = null;
        _pendingHashes.Clear();
        _connection.Run($"DELETE FROM {SqliteSchema.Quote(_options.HashTable)} WHERE \"parent\" LIKE '[%'", _unit.Transaction);
        foreach (var (parent, hash) in SqliteLayout.ComputeHashes(_connection, Depth, _options))
        {
            _statements.XorHash.Run(parent, (long)hash);
        }

        _rebuiltHashes = true;
        if (_logLoaded)
        {
            ChangeLogAfterOtherWriters(); // Not while the layout is upgraded at open: the log is read after it.
        }
    }

    /// <summary>A timestamp of the meta table by its address key, or none.</summary>
    private string ReadStoredTimestamp(string key) =>
        _statements.SelectTimestamp.Run(key) is string stored ? SqliteLayout.ReadTimestamp(stored) : Timestamp.None;

    /// <summary>Rows below a parent: a range of the primary key, the addresses that start with the parent's JSON prefix.</summary>
    private string PrefixCondition => $"{SqliteSchema.Quote(_options.AddressColumn)} >= @from AND {SqliteSchema.Quote(_options.AddressColumn)} < @to";

    /// <summary>'["a","b"]' gives the range from '["a","b",' (or '[' for the root) up to that prefix with its last character bumped.</summary>
    private (string From, string To) PrefixRange(IReadOnlyList<string> parent)
    {
        var key = Key(parent);
        var from = parent.Count == 0 ? "[" : string.Concat(key.AsSpan(0, key.Length - 1), ",");
        var to = string.Concat(from.AsSpan(0, from.Length - 1), ((char)(from[^1] + 1)).ToString());
        return (from, to);
    }
}
