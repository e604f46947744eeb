using System.Runtime.CompilerServices;

namespace Synclets.Connectors;

// The change log (see IChangeLog), numbered by row: each branch keeps the number of the newest
// write below it, 8 bytes a row rather than a number an atom, and a read descends only into
// branches written after the number asked for. A changed row is yielded whole. At depth 1 the
// atoms' parent is the root, so there each atom keeps its own number.
public sealed partial class MemoryMetaConnector : IChangeLog
{
    private readonly Dictionary<string, long>? _leafSequences = depth == 1 ? new(StringComparer.Ordinal) : null;
    private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);
    private long _lastSequence;

    /// <inheritdoc/>
    public string Epoch { get; private set; } = IChangeLog.NewEpoch();

    /// <inheritdoc/>
    public long LastSequence => _lastSequence;

    /// <inheritdoc/>
    public long Floor { get; private set; }

    /// <inheritdoc/>
    public ValueTask StartNewEpochAsync(CancellationToken cancellationToken = default)
    {
        Epoch = IChangeLog.NewEpoch();
        Floor = _lastSequence;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Asks <paramref name="data"/> for each atom.</remarks>
    public async IAsyncEnumerable<LoggedAtom> ReadChangesAsync(long after, IDataConnector data, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var (sequence, parent, leaves) in ChangedParents(after))
        {
            foreach (var (id, timestamp) in leaves)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string[] address = [.. parent, id];
                yield return new LoggedAtom(address, timestamp, await data.GetAtomAsync(address, cancellationToken).ConfigureAwait(false), sequence);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> CountChangesAsync(long after, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ChangedParents(after).Sum(changed => (long)changed.Leaves.Count));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, long>> GetCheckpointsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, long>>(_checkpoints);

    /// <inheritdoc/>
    public ValueTask SetCheckpointAsync(string epoch, long sequence, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(epoch);
        _checkpoints[epoch] = sequence;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask ClearCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        _checkpoints.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>Something was removed that a feed cannot carry: no feed may start before now.</summary>
    private void Forgotten() => Floor = _lastSequence;

    /// <summary>The atoms' parents written after <paramref name="after"/>, in the order of their newest writes, with their timestamps.</summary>
    private List<(long Sequence, string[] Parent, IReadOnlyDictionary<string, string> Leaves)> ChangedParents(long after)
    {
        var changed = new List<(long, string[], IReadOnlyDictionary<string, string>)>();
        if (_leafSequences is not null)
        {
            var leaves = _tree.Leaves([]);
            foreach (var (id, sequence) in _leafSequences)
            {
                if (sequence > after && leaves.TryGetValue(id, out var timestamp))
                {
                    changed.Add((sequence, [], new Dictionary<string, string>(1, StringComparer.Ordinal) { [id] = timestamp }));
                }
            }
        }
        else if (_tree.Find([], 0) is { } root && root.Sequence > after)
        {
            var path = new List<string>(Depth);
            Visit(root);

            void Visit(MemoryTree<string>.Branch branch)
            {
                if (path.Count == Depth - 1)
                {
                    if (branch.Leaves is { Count: > 0 } leaves)
                    {
                        changed.Add((branch.Sequence, [.. path], leaves));
                    }

                    return;
                }

                foreach (var (id, child) in branch.Branches ?? [])
                {
                    if (child.Sequence > after)
                    {
                        path.Add(id);
                        Visit(child);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }
        }

        changed.Sort(static (one, other) => one.Item1.CompareTo(other.Item1));
        return changed;
    }
}
