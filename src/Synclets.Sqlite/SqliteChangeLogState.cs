using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>
/// What a SQLite store's change log (see <see cref="Connectors.IChangeLog"/>) keeps besides its
/// rows' numbers, for both layouts: the epoch, the floor and the checkpoints of other stores'
/// logs, as rows of the store's hash table keyed by words (as the tombstone horizon is; addresses
/// there are JSON arrays, so the two never meet). Written in the unit of work's transaction; read
/// once at open and kept here, and put back as it was when a unit rolls back.
/// </summary>
internal sealed class SqliteChangeLogState(SqliteConnection connection, string quotedHashTable, SqliteUnitOfWork unit)
{
    private const string EpochPrefix = "log-epoch:";
    private const string FloorKey = "log-floor";
    private const string SeenPrefix = "log-seen:";

    private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);

    // What the state was before the open unit of work first changed it, put back if the unit rolls
    // back (no read of the database then: it may be the lock holder's, or unreachable).
    private (string Epoch, long Floor, Dictionary<string, long> Checkpoints)? _beforeUnit;

    public string Epoch { get; private set; } = string.Empty;

    public long Floor { get; private set; }

    public IReadOnlyDictionary<string, long> Checkpoints => _checkpoints;

    /// <summary>Reads the state of a store opened read-only: one that never kept a log gets an epoch for this session, written nowhere.</summary>
    public void LoadReadOnly() => Load(persist: false);

    /// <summary>Reads the state, and makes an epoch for a store that has none (new, or written before stores kept logs).</summary>
    public void Load() => Load(persist: true);

    private void Load(bool persist)
    {
        var epoch = string.Empty;
        var floor = 0L;
        var checkpoints = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.Transaction = unit.Transaction;
            command.CommandText = $"SELECT \"parent\", \"hash\" FROM {quotedHashTable} WHERE substr(\"parent\", 1, 4) = 'log-'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = reader.GetString(0);
                if (key.StartsWith(EpochPrefix, StringComparison.Ordinal))
                {
                    epoch = key[EpochPrefix.Length..];
                }
                else if (key == FloorKey)
                {
                    floor = reader.GetInt64(1);
                }
                else if (key.StartsWith(SeenPrefix, StringComparison.Ordinal))
                {
                    checkpoints[key[SeenPrefix.Length..]] = reader.GetInt64(1);
                }
            }
        }

        if (epoch.Length == 0)
        {
            epoch = Connectors.IChangeLog.NewEpoch();
            if (persist)
            {
                connection.Run($"INSERT INTO {quotedHashTable} (\"parent\", \"hash\") VALUES (@key, 0)", unit.Transaction, ("@key", EpochPrefix + epoch));
            }
        }

        Restore((epoch, floor, checkpoints));
    }

    /// <summary>After a unit of work rolled back: what it changed here is as it was before it.</summary>
    public void RolledBack()
    {
        if (_beforeUnit is { } before)
        {
            _beforeUnit = null;
            Restore(before);
        }
    }

    /// <summary>After a unit of work committed: what it changed stands.</summary>
    public void Committed() => _beforeUnit = null;

    /// <summary>A new epoch, and no feed from before <paramref name="lastSequence"/>.</summary>
    public void StartNewEpoch(long lastSequence)
    {
        var epoch = Connectors.IChangeLog.NewEpoch();
        Changing();
        unit.Write(() =>
        {
            connection.Run($"DELETE FROM {quotedHashTable} WHERE substr(\"parent\", 1, {EpochPrefix.Length}) = '{EpochPrefix}'", unit.Transaction);
            connection.Run($"INSERT INTO {quotedHashTable} (\"parent\", \"hash\") VALUES (@key, 0)", unit.Transaction, ("@key", EpochPrefix + epoch));
        });
        Epoch = epoch;
        SetFloor(lastSequence);
    }

    /// <summary>No feed may start before <paramref name="sequence"/> (something was forgotten that a feed cannot carry).</summary>
    public void SetFloor(long sequence)
    {
        Upsert(FloorKey, sequence);
        Floor = sequence;
    }

    public void SetCheckpoint(string epoch, long sequence)
    {
        Upsert(SeenPrefix + epoch, sequence);
        _checkpoints[epoch] = sequence;
    }

    public void ClearCheckpoints()
    {
        Changing();
        unit.Write(() => connection.Run($"DELETE FROM {quotedHashTable} WHERE substr(\"parent\", 1, {SeenPrefix.Length}) = '{SeenPrefix}'", unit.Transaction));
        _checkpoints.Clear();
    }

    private void Upsert(string key, long value)
    {
        Changing();
        unit.Write(() => connection.Run(
            $"INSERT INTO {quotedHashTable} (\"parent\", \"hash\") VALUES (@key, @value) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"",
            unit.Transaction,
            ("@key", key),
            ("@value", value)));
    }

    /// <summary>Before a change: inside a unit of work, the state as it was is kept until the unit ends.</summary>
    private void Changing()
    {
        if (unit.IsOpen && _beforeUnit is null)
        {
            _beforeUnit = (Epoch, Floor, new Dictionary<string, long>(_checkpoints, StringComparer.Ordinal));
        }
    }

    private void Restore((string Epoch, long Floor, Dictionary<string, long> Checkpoints) state)
    {
        Epoch = state.Epoch;
        Floor = state.Floor;
        _checkpoints.Clear();
        foreach (var (epoch, sequence) in state.Checkpoints)
        {
            _checkpoints[epoch] = sequence;
        }
    }
}
