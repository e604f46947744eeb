using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Synclets.Connectors;
using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets;

/// <summary>
/// Keeps a tree of data in sync with peers: a data connector (where the data lives), a meta
/// connector (a timestamp per atom) and transports (how peers are reached). Last writer wins per
/// atom, by hybrid-logical-clock timestamp.
/// </summary>
/// <remarks>
/// All work (local changes, received messages, reads) goes through one queue drained by one loop (WorkLoop),
/// so it applies in order and the connectors need no locks. Await <see cref="WhenIdleAsync"/>, or
/// <see cref="Quiescence.WaitAsync(IEnumerable{IIdleSource}, CancellationToken)"/> for a group, to know when sync has settled.
/// </remarks>
public sealed partial class Synclet : IAsyncDisposable, IIdleSource, IMessageReceiver
{
    private readonly StoreReader _store;
    private readonly IReadOnlyList<Transport> _transports;
    private readonly DeclaredHooks _hooks;
    private readonly ILogger _logger;
    private readonly string _logId; // The id as log lines show it (Ids.Readable).
    private readonly SyncProtocol _protocol;
    private readonly ChangeFeed _feed;
    private readonly PeerRouter _router;
    private readonly PendingChanges _changes = new();
    private readonly SyncletMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly UnitOfWork _unit;
    private readonly WorkLoop _work;
    private readonly ReceiveBacklog _backlog;

    private readonly Acknowledgements _acknowledgements = new();
    private readonly Dictionary<string, int> _failedApplies = new(StringComparer.Ordinal); // By peer: messages whose unit failed since its last acknowledgement (work loop only).
    private readonly TimeSpan _acknowledgementRetry;
    private readonly Tombstones _tombstones;
    private readonly TimeSpan? _keepTombstonesFor;
    private readonly TimeSpan _tombstoneCollectionInterval;
    private ITimer? _tombstoneTimer;

    private EventHandler<AtomsChangedEventArgs>? _atomsChanged;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates a stopped synclet over the given connectors and transports.</summary>
    /// <exception cref="ArgumentException">The connectors disagree on the depth, or a transport is listed twice.</exception>
    public Synclet(IDataConnector dataConnector, IMetaConnector metaConnector, IEnumerable<Transport> transports, SyncletOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataConnector);
        ArgumentNullException.ThrowIfNull(metaConnector);
        ArgumentNullException.ThrowIfNull(transports);
        options ??= new SyncletOptions();
        if (dataConnector.Depth != metaConnector.Depth || dataConnector.Depth < 1)
        {
            throw new ArgumentException($"The data connector has depth {dataConnector.Depth} and the meta connector depth {metaConnector.Depth}; they must be the same, and at least 1.", nameof(metaConnector));
        }

        _transports = [.. transports];
        if (_transports.Distinct().Count() != _transports.Count)
        {
            throw new ArgumentException("A transport is listed twice.", nameof(transports));
        }

        Id = options.Id ?? Packet.NewMessageId();
        if (Id.Length == 0 || Id == Packet.Everyone || Id.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{Id}' cannot be a synclet id: it must be non-empty, not '*', and have no spaces.", nameof(options));
        }

        _store = new StoreReader(dataConnector, metaConnector);
        _hooks = new DeclaredHooks(options.Hooks);
        _logger = options.LoggerFactory?.CreateLogger<Synclet>() ?? (ILogger)NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxNodesPerMessage, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxClockDrift, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueuedBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.AcknowledgementRetry, TimeSpan.Zero, nameof(options));
        _logId = Ids.Readable(Id);
        _metrics = SyncletMetrics.For(options.MeterFactory);
        _backlog = new ReceiveBacklog(options.MaxQueuedBytes, _metrics);
        _time = options.TimeProvider;
        Statistics = new SyncletStatistics(_backlog, _metrics);
        _router = new PeerRouter(_transports, _hooks, Depth, Statistics, _logger, _logId);
        if (options.KeepTombstonesFor is { } keep)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(keep, TimeSpan.Zero, nameof(options));
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.TombstoneCollectionInterval, TimeSpan.Zero, nameof(options));
            if (metaConnector is not ITombstoneCollector)
            {
                throw new ArgumentException($"KeepTombstonesFor is set, but the meta connector {metaConnector.GetType().Name} cannot forget timestamps (it does not implement {nameof(ITombstoneCollector)}).", nameof(options));
            }
        }

        _keepTombstonesFor = options.KeepTombstonesFor;
        _tombstoneCollectionInterval = options.TombstoneCollectionInterval;
        _tombstones = new Tombstones(_store, _changes);
        _feed = new ChangeFeed(Depth, options.ChangeFeed ? metaConnector as IChangeLog : null, _store, _hooks, _router, options.MaxNodesPerMessage, progress => Progress?.Invoke(this, progress), _logger, _logId);
        _protocol = new SyncProtocol(Depth, _store, new HybridLogicalClock(Id, options.TimeProvider, options.MaxClockDrift), _hooks, options.MaxNodesPerMessage, _router, _changes, _tombstones, _metrics, _feed, _logger, _logId);
        _unit = new UnitOfWork([.. new object[] { dataConnector, metaConnector }.OfType<ITransactionalConnector>().Distinct()], _router, _changes);
        _acknowledgementRetry = options.AcknowledgementRetry;
        _work = new WorkLoop(StartClockAsync, _changes, changes => _atomsChanged?.Invoke(this, changes), _logger, _logId);
    }

    /// <summary>Creates a stopped synclet with one transport.</summary>
    public Synclet(IDataConnector dataConnector, IMetaConnector metaConnector, Transport transport, SyncletOptions? options = null)
        : this(dataConnector, metaConnector, [transport], options)
    {
    }

    /// <summary>Creates a stopped synclet with no transport (a local store that syncs later or never).</summary>
    public Synclet(IDataConnector dataConnector, IMetaConnector metaConnector, SyncletOptions? options = null)
        : this(dataConnector, metaConnector, [], options)
    {
    }

    /// <summary>
    /// Raised after each piece of work (a local change, a received message) that wrote atoms, on
    /// the synclet's work loop. Handlers must be quick and must not wait for this synclet.
    /// </summary>
    public event EventHandler<AtomsChangedEventArgs>? AtomsChanged
    {
        add
        {
            _atomsChanged += value;
            _changes.IsRecording = true;
        }

        remove
        {
            _atomsChanged -= value;
            _changes.IsRecording = _atomsChanged is not null;
        }
    }

    /// <summary>
    /// Raised on the synclet's work loop as a peer's change feed arrives (docs/concepts.md,
    /// "Reconnects that cost what changed"): after each batch is stored, with the atoms received
    /// so far and the total the peer announced, and once more when the feed is complete. A peer
    /// that syncs by protocol version 1 alone (a JavaScript peer) announces no total, and raises none.
    /// Handlers must be quick and must not wait for this synclet.
    /// </summary>
    public event EventHandler<SyncProgressEventArgs>? Progress;

    /// <summary>This synclet's id among its peers.</summary>
    public string Id { get; }

    /// <summary>The depth of the tree this synclet syncs.</summary>
    public int Depth => _store.Data.Depth;

    /// <summary>True between <see cref="StartAsync"/> and <see cref="StopAsync"/>.</summary>
    public bool IsStarted => _started;

    /// <summary>What this synclet has sent and received so far.</summary>
    public SyncletStatistics Statistics { get; }

    /// <inheritdoc/>
    public bool IsIdle => _work.IsIdle;

    /// <inheritdoc/>
    public long Generation => _work.Generation;

    /// <summary>Attaches the transports and asks every peer to compare trees (sends the root hash).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        if (_started)
        {
            return;
        }

        var attached = new List<Transport>();
        try
        {
            foreach (var transport in _transports)
            {
                await transport.AttachAsync(this, _logger, cancellationToken).ConfigureAwait(false);
                attached.Add(transport);
            }
        }
        catch
        {
            foreach (var transport in attached)
            {
                await transport.DetachAsync(CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        _started = true;
        _feed.ForgetAll();
        await StartCollectingTombstonesAsync().ConfigureAwait(false);
        _router.Open();
        Log.Started(_logger, _logId, _transports.Count);
        _hooks.OnStart();
        await _protocol.SyncAsync([], cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>Detaches the transports. Local changes still work, and sync when started again.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        _router.CancelSends(); // Outside the loop: it may be waiting in a send.
        return RunAsync(() => DetachAllAsync(cancellationToken), cancellationToken);
    }

    private async ValueTask DetachAllAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        StopCollectingTombstones();
        _router.Close();
        foreach (var transport in _transports)
        {
            await transport.DetachAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.Stopped(_logger, _logId);
        _hooks.OnStop();
    }

    /// <summary>Writes an atom at an atom address and tells every peer.</summary>
    /// <returns>The timestamp the write was given.</returns>
    /// <exception cref="ArgumentException">The address does not have exactly <see cref="Depth"/> ids, or uses a reserved id.</exception>
    public Task<string> SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAtomAddress(address, Depth, nameof(address));
        if (atom.IsAbsent)
        {
            throw new ArgumentException("To delete an atom, call DeleteAtomAsync; an absent atom cannot be set.", nameof(atom));
        }

        var copy = address.ToArray();
        return RunAsync(() => _unit.RunAsync(() => _protocol.SetLocalAsync(copy, atom, cancellationToken)), cancellationToken);
    }

    /// <summary>
    /// Writes several atoms under one parent (deleting those given as <see cref="Atom.Absent"/>)
    /// and tells every peer in one message.
    /// </summary>
    /// <param name="parentAddress">The parent, one level above the atoms.</param>
    /// <param name="cells">The atoms by child id.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    public Task SetAtomsAsync(IReadOnlyList<string> parentAddress, IEnumerable<KeyValuePair<string, Atom>> cells, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAtomAddress([.. parentAddress, "x"], Depth, nameof(parentAddress));
        ArgumentNullException.ThrowIfNull(cells);
        var parent = parentAddress.ToArray();
        var copy = cells.ToArray();
        foreach (var (id, _) in copy)
        {
            Ids.ValidateAtomAddress([.. parent, id], Depth, nameof(cells));
        }

        return RunAsync(() => _unit.RunAsync(async () =>
        {
            await _protocol.SetLocalManyAsync(parent, copy, cancellationToken).ConfigureAwait(false);
            return true;
        }), cancellationToken);
    }

    /// <summary>Deletes the atom at an atom address (a tombstone with a new timestamp) and tells every peer.</summary>
    /// <returns>The timestamp of the deletion.</returns>
    public Task<string> DeleteAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAtomAddress(address, Depth, nameof(address));
        var copy = address.ToArray();
        return RunAsync(() => _unit.RunAsync(() => _protocol.SetLocalAsync(copy, Atom.Absent, cancellationToken)), cancellationToken);
    }

    /// <summary>Asks every peer to compare the subtree at <paramref name="address"/> (the root when empty) with ours.</summary>
    public Task SyncAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAddress(address, Depth, nameof(address));
        var copy = address.ToArray();
        return RunAsync(async () =>
        {
            _hooks.OnSync(copy);
            if (_started)
            {
                await _protocol.SyncAsync(copy, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>Reads the atom at an atom address (<see cref="Atom.Absent"/> when there is none).</summary>
    public Task<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAtomAddress(address, Depth, nameof(address));
        var copy = address.ToArray();
        return RunAsync(() => _store.Data.GetAtomAsync(copy, cancellationToken), cancellationToken);
    }

    /// <summary>Reads the timestamp at an atom address (empty when never written).</summary>
    public Task<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAtomAddress(address, Depth, nameof(address));
        var copy = address.ToArray();
        return RunAsync(() => _store.Meta.GetTimestampAsync(copy, cancellationToken), cancellationToken);
    }

    /// <summary>The ids of the children that hold data under a parent address (the root when empty), in ordinal order.</summary>
    public Task<IReadOnlyList<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAddress(address, Depth - 1, nameof(address));
        var copy = address.ToArray();
        return RunAsync<IReadOnlyList<string>>(async () =>
        {
            var ids = (await _store.Data.GetChildIdsAsync(copy, cancellationToken).ConfigureAwait(false)).ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            return ids;
        }, cancellationToken);
    }

    /// <summary>The atoms directly under a parent one level above the atoms, by id (a copy).</summary>
    public Task<IReadOnlyDictionary<string, Atom>> GetAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAtomAddress([.. parentAddress, "x"], Depth, nameof(parentAddress));
        var parent = parentAddress.ToArray();
        return RunAsync<IReadOnlyDictionary<string, Atom>>(async () => await _store.ReadCellsAsync(parent, cancellationToken).ConfigureAwait(false), cancellationToken);
    }

    /// <summary>
    /// Every row directly under a parent two levels above the atoms (a table), with its atoms by
    /// id, rows in ordinal order of id, in one piece of work (one query on a database). Rows whose
    /// every atom is deleted are left out.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, Atom>>>> GetRowsAsync(IReadOnlyList<string> tableAddress, CancellationToken cancellationToken = default) =>
        await ReadRowsAsync<IReadOnlyDictionary<string, Atom>>(tableAddress, (_, cells) => new Dictionary<string, Atom>(cells, StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Every row of a table, each turned into a <typeparamref name="TRow"/> by <paramref name="map"/>
    /// as it is read (the cells it is given are valid only during the call), rows in ordinal order of id.
    /// </summary>
    internal Task<List<KeyValuePair<string, TRow>>> ReadRowsAsync<TRow>(IReadOnlyList<string> tableAddress, Func<string, IReadOnlyDictionary<string, Atom>, TRow> map, CancellationToken cancellationToken)
    {
        Ids.ValidateAtomAddress([.. tableAddress, "x", "x"], Depth, nameof(tableAddress));
        var table = tableAddress.ToArray();
        return RunAsync(async () =>
        {
            var rows = new List<KeyValuePair<string, TRow>>();
            await _store.ReadRowsAsync(table, rowIds: null, (rowId, cells) => rows.Add(KeyValuePair.Create(rowId, map(rowId, cells))), cancellationToken).ConfigureAwait(false);
            SortByKey(rows);
            return rows;
        }, cancellationToken);
    }

    /// <summary>
    /// The rows of a table (a parent two levels above the atoms) that <paramref name="query"/>
    /// selects, in its order, with their atoms by id, in one piece of work: run by a database store
    /// where it can (see <see cref="IRowQueryReader"/>), else in memory with the same result.
    /// </summary>
    /// <exception cref="ArgumentException">The query skips or takes a negative count, or a filter has no value.</exception>
    public async Task<IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, Atom>>>> QueryRowsAsync(IReadOnlyList<string> tableAddress, RowQuery query, CancellationToken cancellationToken = default) =>
        await QueryRowsAsync<KeyValuePair<string, IReadOnlyDictionary<string, Atom>>>(tableAddress, query, (rowId, cells) => KeyValuePair.Create(rowId, (IReadOnlyDictionary<string, Atom>)new Dictionary<string, Atom>(cells, StringComparer.Ordinal)), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The rows of a table that <paramref name="query"/> selects, in its order, each turned into a
    /// <typeparamref name="TRow"/> by <paramref name="map"/> as it is read, in one piece of work.
    /// </summary>
    internal Task<List<TRow>> QueryRowsAsync<TRow>(IReadOnlyList<string> tableAddress, RowQuery query, Func<string, IReadOnlyDictionary<string, Atom>, TRow> map, CancellationToken cancellationToken)
    {
        Ids.ValidateAtomAddress([.. tableAddress, "x", "x"], Depth, nameof(tableAddress));
        RowQueryRunner.Validate(query, nameof(query));
        var table = tableAddress.ToArray();
        return RunAsync(async () =>
        {
            var rows = new List<TRow>();
            await _store.QueryRowsAsync(table, query, (rowId, cells) => rows.Add(map(rowId, cells)), cancellationToken).ConfigureAwait(false);
            return rows;
        }, cancellationToken);
    }

    /// <summary>Sorts rows into ordinal order of id, unless the store already read them so (a database's order can differ from UTF-16's).</summary>
    private static void SortByKey<TRow>(List<KeyValuePair<string, TRow>> rows)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            if (string.CompareOrdinal(rows[i - 1].Key, rows[i].Key) > 0)
            {
                rows.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                return;
            }
        }
    }

    /// <summary>
    /// Reads, changes and writes many rows of one table in one unit of work (one transaction, a
    /// handful of messages): for each row id (once, however often it is named),
    /// <paramref name="changesFor"/> is given the row's atoms as stored (empty when there is none;
    /// valid only during the call) and adds the atoms to write (<see cref="Atom.Absent"/> to
    /// delete). The rows are read in one query where the store can, and on the work loop, so
    /// nothing can change a row between its read and its write.
    /// </summary>
    /// <returns>How many atoms were written.</returns>
    public Task<int> UpdateRowsAsync(IReadOnlyList<string> tableAddress, IEnumerable<string> rowIds, Action<string, IReadOnlyDictionary<string, Atom>, ICollection<KeyValuePair<string, Atom>>> changesFor, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAtomAddress([.. tableAddress, "x", "x"], Depth, nameof(tableAddress));
        ArgumentNullException.ThrowIfNull(rowIds);
        ArgumentNullException.ThrowIfNull(changesFor);
        var table = tableAddress.ToArray();
        var ids = rowIds.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var id in ids)
        {
            _ = id ?? throw new ArgumentException("A row id is null.", nameof(rowIds));
        }

        var longestChanges = 0;

        return RunAsync(() => _unit.RunAsync(async () =>
        {
            // Stored rows are changed as they are read; the rest (new rows) after, from nothing.
            var changed = new Dictionary<string, List<KeyValuePair<string, Atom>>>(ids.Length, StringComparer.Ordinal);
            await _store.ReadRowsAsync(table, ids, (id, cells) => changed[id] = ChangesOf(id, cells), cancellationToken).ConfigureAwait(false);
            var rows = new List<(string RowId, List<KeyValuePair<string, Atom>> Cells)>(ids.Length);
            var written = 0;
            foreach (var id in ids)
            {
                var changes = changed.TryGetValue(id, out var known) ? known : ChangesOf(id, System.Collections.ObjectModel.ReadOnlyDictionary<string, Atom>.Empty);
                foreach (var (column, _) in changes)
                {
                    _ = column ?? throw new ArgumentException($"A change to row '{id}' has a null id.", nameof(changesFor));
                }

                if (changes.Count > 0)
                {
                    rows.Add((id, changes));
                    written += changes.Count;
                }
            }

            if (rows.Count > 0)
            {
                await _protocol.SetLocalRowsAsync(table, rows, cancellationToken).ConfigureAwait(false);
            }

            return written;
        }), cancellationToken);

        // Each row's list starts as long as the longest so far: rows of a table change alike, and
        // growing ten thousand lists from empty was the bulk upsert's largest allocation.
        List<KeyValuePair<string, Atom>> ChangesOf(string id, IReadOnlyDictionary<string, Atom> stored)
        {
            var changes = new List<KeyValuePair<string, Atom>>(Math.Max(longestChanges, stored.Count));
            changesFor(id, stored, changes);
            longestChanges = Math.Max(longestChanges, changes.Count);
            return changes;
        }
    }

    /// <summary>The hash of a parent address (the root when empty).</summary>
    public Task<uint> GetHashAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        Ids.ValidateAddress(address, Depth - 1, nameof(address));
        var copy = address.ToArray();
        return RunAsync(() => _protocol.GetHashAsync(copy, cancellationToken), cancellationToken);
    }

    /// <summary>The whole data tree as JSON: ids in ordinal order, deleted atoms and empty branches left out.</summary>
    public Task<JsonObject> GetDataAsync(CancellationToken cancellationToken = default) =>
        RunAsync(() => new ValueTask<JsonObject>(TreeReader.ReadDataAsync(_store.Data, cancellationToken)), cancellationToken);

    /// <summary>The whole meta tree as JSON: the timestamp of every atom address ever written, deletions included.</summary>
    public Task<JsonObject> GetMetaAsync(CancellationToken cancellationToken = default) =>
        RunAsync(() => new ValueTask<JsonObject>(TreeReader.ReadMetaAsync(_store.Meta, cancellationToken)), cancellationToken);

    /// <inheritdoc/>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default) => _work.WhenIdleAsync(cancellationToken);

    /// <summary>
    /// Completes when a peer has acknowledged that it applied, and committed to its storage,
    /// everything this synclet sent it before the call: "my writes are stored" (a server's store,
    /// say). Waits through disconnections (the request is repeated every
    /// <see cref="SyncletOptions.AcknowledgementRetry"/> until a peer answers); cancel to give up.
    /// Only peers of this library acknowledge (a JavaScript peer syncs, but never answers).
    /// </summary>
    /// <exception cref="InvalidOperationException">The synclet is not started.</exception>
    /// <exception cref="WritesRefusedException">The peer refused some of our writes (its hooks, a timestamp too far ahead, its storage): they are not stored there.</exception>
    public async Task WhenStoredAsync(CancellationToken cancellationToken = default) =>
        ThrowIfRefused(await AskForAcknowledgementAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Completes when a peer has acknowledged everything this synclet sent it (as
    /// <see cref="WhenStoredAsync"/>) and its tree is the same as ours: "in sync with the server".
    /// While the trees differ, sync goes on as usual and the question is asked again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The synclet is not started.</exception>
    /// <exception cref="WritesRefusedException">The peer refused some of our writes: the trees will not be the same.</exception>
    /// <remarks>
    /// A peer whose read rules hide part of its tree from us never shows the same hash. So this
    /// also completes once <see cref="Depth"/> + 2 acknowledgements in a row find both hashes
    /// unchanged: each round trip carries at least one round of the exchange, and a tree of depth
    /// D converges in at most D + 1 of them, so nothing is moving any more.
    /// </remarks>
    public async Task WhenSyncedAsync(CancellationToken cancellationToken = default)
    {
        (uint Theirs, uint Mine)? last = null;
        var unchanged = 0;
        while (true)
        {
            var acknowledged = ThrowIfRefused(await AskForAcknowledgementAsync(cancellationToken).ConfigureAwait(false));
            if (acknowledged.Theirs == acknowledged.Mine)
            {
                return;
            }

            unchanged = last == (acknowledged.Theirs, acknowledged.Mine) ? unchanged + 1 : 0;
            if (unchanged >= Depth + 1)
            {
                return; // Depth + 2 answers alike: converged, as far as the peer lets us see.
            }

            last = (acknowledged.Theirs, acknowledged.Mine);
        }
    }

    /// <summary>
    /// Raised, on the work loop, when a peer's acknowledgement says it refused some of our writes
    /// (its hooks, a timestamp too far ahead, what its storage cannot keep): they stay in this
    /// replica only. Also thrown by <see cref="WhenStoredAsync"/> and <see cref="WhenSyncedAsync"/>.
    /// </summary>
    public event EventHandler<WritesRefusedEventArgs>? WritesRefused;

    private static Acknowledgement ThrowIfRefused(Acknowledgement acknowledged) =>
        acknowledged.Refused > 0 ? throw new WritesRefusedException(new WritesRefusedEventArgs(acknowledged.Peer, acknowledged.Refused, acknowledged.Refusal, acknowledged.Horizon)) : acknowledged;

    /// <summary>Asks every peer to acknowledge what it has received from us; the first answer gives its root hash and ours as it arrived.</summary>
    private async Task<Acknowledgement> AskForAcknowledgementAsync(CancellationToken cancellationToken)
    {
        var nonce = Packet.NewMessageId();
        var acknowledged = await RunAsync(async () =>
        {
            if (!_started)
            {
                throw new InvalidOperationException("Start the synclet first: only a started synclet reaches its peers.");
            }

            var waiting = _acknowledgements.Expect(nonce);
            await _protocol.RequestAcknowledgementAsync(nonce).ConfigureAwait(false);
            return waiting;
        }, cancellationToken).ConfigureAwait(false);

        try
        {
            while (true)
            {
                try
                {
                    return await acknowledged.WaitAsync(_acknowledgementRetry, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Lost with a dropped connection, or nobody was there: ask again, with the same nonce.
                    await RunAsync(() => _started ? _protocol.RequestAcknowledgementAsync(nonce) : ValueTask.CompletedTask, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            Post(() =>
            {
                _acknowledgements.Forget(nonce);
                return ValueTask.CompletedTask;
            });
            throw;
        }
    }

    /// <summary>Stops the synclet and ends its work loop. The connectors and transports are the caller's to dispose.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _disposed = true;
        await _work.CompleteAsync().ConfigureAwait(false);
        _router.Dispose();
        _acknowledgements.CancelAll();
        _backlog.Close();
    }

    void IMessageReceiver.OnMessage(Transport transport, string from, ReadOnlyMemory<char>[] messageParts)
    {
        var size = ReceiveBacklog.SizeOf(messageParts);
        _backlog.Added(size);
        var deliveredBy = System.Diagnostics.Activity.Current?.Context ?? default;
        if (!Post(() => ReceiveAsync(transport, from, messageParts, size, deliveredBy)))
        {
            _backlog.Removed(size);
        }
    }

    ValueTask IMessageReceiver.WhenReadyForMoreAsync(CancellationToken cancellationToken) => _backlog.WhenBelowLimitAsync(cancellationToken);

    void IMessageReceiver.OnResyncRequested(Transport transport)
    {
        _metrics.Resyncs.Add(1);
        Post(async () =>
        {
            if (_started)
            {
                _feed.Forget(transport);
                await _protocol.SyncAsync([], CancellationToken.None).ConfigureAwait(false);
            }
        });
    }

    /// <summary>The context key of the reason sent to a peer of another depth (see <see cref="PeerRouter.TellOurDepthAsync"/>).</summary>
    internal const string DepthReasonKey = "\uFFFAdepth";

    private async ValueTask ReceiveAsync(Transport transport, string from, ReadOnlyMemory<char>[] messageParts, long queuedSize, System.Diagnostics.ActivityContext deliveredBy)
    {
        _backlog.Removed(queuedSize);
        if (!_started)
        {
            return;
        }

        Statistics.Received(messageParts);
        using var activity = SyncletTracing.StartReceive(Id, from, queuedSize / 2, deliveredBy);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Receiving(_logger, _logId, Ids.Readable(from), (int)(queuedSize / 2));
        }

        Message message;
        try
        {
            message = MessageReader.Read(messageParts, Depth);
        }
        catch (ProtocolException exception)
        {
            Dropped(activity, exception.WrongDepth is null ? "invalid" : "depth", exception.Message);
            Log.DroppedMessage(_logger, _logId, Ids.Readable(from), exception.Message);
            if (exception.WrongDepth is not null)
            {
                await _router.TellOurDepthAsync(transport, from).ConfigureAwait(false);
            }

            return;
        }

        // Hooks learn the sender under a reserved key; whatever a peer put there itself is replaced.
        var context = new Dictionary<string, Atom>(message.Context.Count + 1, StringComparer.Ordinal);
        foreach (var (key, value) in message.Context)
        {
            context[key] = value;
        }

        context[Ids.PeerContextKey] = from;
        message = message with { Context = context };
        if (!await _hooks.CanReceiveMessageAsync(message.Context).ConfigureAwait(false))
        {
            Dropped(activity, "refused", "the CanReceiveMessage hook refused it");
            Log.DroppedMessage(_logger, _logId, Ids.Readable(from), "the CanReceiveMessage hook refused it.");
            return;
        }

        _hooks.OnReceiveMessage(message, from);
        if (context.ContainsKey(Acknowledgements.ReplyKey) && message.Node is Protocol.HashNode { } theirs && message.Address.Count == 0)
        {
            await AcknowledgedAsync(from, theirs.Hash, context).ConfigureAwait(false);
        }

        var started = _time.GetTimestamp();
        try
        {
            await _unit.RunAsync(async () =>
            {
                await _protocol.HandleAsync(transport, from, message).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);

            // Committed: now, and only now, it may be acknowledged, saying whether earlier messages failed.
            if (Acknowledgements.IsRequested(context, out var nonce))
            {
                _failedApplies.Remove(from, out var failed);
                await _protocol.AcknowledgeAsync(transport, from, nonce, failed).ConfigureAwait(false);
            }

            await _feed.AfterMessageAsync(transport, from, _work.NothingQueued).ConfigureAwait(false);

            _metrics.ApplyDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
            if (_router.UnitWrote || _unit.HasNoTransactions)
            {
                Statistics.Applied(); // The store writes again (a message that only read proves nothing).
            }
        }
#pragma warning disable CA1031 // One failed message (a storage error, say) must not stop the loop; a later sync retries.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Dropped(activity, "failed", exception.Message);
            Statistics.ApplyFailed(exception);
            _failedApplies[from] = _failedApplies.GetValueOrDefault(from) + 1; // Its next acknowledgement must not say "stored".
            _feed.Failed(transport, from);
            activity?.AddException(exception);
            Log.HandlingFailed(_logger, exception, _logId, from);
        }
    }

    /// <summary>A received message that was not applied: counted by reason, and its activity marked.</summary>
    private void Dropped(System.Diagnostics.Activity? activity, string reason, string description)
    {
        _metrics.Dropped(reason);
        SyncletTracing.Dropped(activity, reason, description);
    }

    /// <summary>A peer's acknowledgement: reports what it refused, and ends the wait for it, if any.</summary>
    private async ValueTask AcknowledgedAsync(string from, uint theirs, IReadOnlyDictionary<string, Atom> context)
    {
        var (refused, reason) = Acknowledgements.RefusalsIn(context);
        var horizon = refused > 0 ? Acknowledgements.HorizonIn(context) : null;
        if (refused > 0)
        {
            Log.WritesRefused(_logger, _logId, Ids.Readable(from), refused, reason ?? "no reason given");
            WritesRefused?.Invoke(this, new WritesRefusedEventArgs(from, refused, reason, horizon));
        }

        if (Acknowledgements.FailuresIn(context) is > 0 and var failed)
        {
            // Not stored: keep waiting. The answer's root hash makes this sync resend what differs, and the wait asks again.
            Log.AcknowledgedWithFailures(_logger, _logId, Ids.Readable(from), failed);
            return;
        }

        if (_acknowledgements.IsAwaited(context, out var nonce))
        {
            _acknowledgements.Complete(nonce, new Acknowledgement(from, theirs, await _protocol.GetHashAsync([]).ConfigureAwait(false), refused, reason, horizon));
        }
    }

    private Task<bool> RunAsync(Func<ValueTask> work, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private Task<T> RunAsync<T>(Func<ValueTask<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _work.RunAsync(work, cancellationToken);
    }

    private bool Post(Func<ValueTask> work) => _work.Post(work);

    /// <summary>The work loop's first step: the clock starts after the newest timestamp in the store, and the tombstone horizon is read.</summary>
    private async ValueTask StartClockAsync()
    {
        try
        {
            await _protocol.StartClockAsync(CancellationToken.None).ConfigureAwait(false);
            await _tombstones.LoadAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A store that cannot be read now fails its first real work, with the reason; the loop must run.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.HandlingFailed(_logger, exception, _logId, "its own store (reading the newest timestamp)");
        }
    }
}
