using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Synclets;

/// <summary>
/// A typed single value over a depth-1 synclet: each property of the record is one atom, so two
/// peers changing different settings both keep their change.
/// </summary>
/// <typeparam name="T">A <c>[SyncTree(depth: 1)]</c> record.</typeparam>
public class SyncSingle<T>
    where T : ISyncRecord<T>
{
    private EventHandler? _changed;

    /// <summary>Opens the value over a depth-1 synclet.</summary>
    /// <exception cref="ArgumentException">The synclet's depth is not 1.</exception>
    public SyncSingle(Synclet synclet)
    {
        ArgumentNullException.ThrowIfNull(synclet);
        if (synclet.Depth != 1)
        {
            throw new ArgumentException($"A single {typeof(T).Name} needs a synclet of depth 1, not {synclet.Depth}.", nameof(synclet));
        }

        Synclet = synclet;
    }

    /// <summary>The synclet that syncs this value.</summary>
    public Synclet Synclet { get; }

    /// <summary>Raised when any atom of the value changes, locally or by a peer, on the synclet's work loop.</summary>
    public event EventHandler? Changed
    {
        add
        {
            if (_changed is null)
            {
                Synclet.AtomsChanged += OnAtomsChanged;
            }

            _changed += value;
        }

        remove
        {
            _changed -= value;
            if (_changed is null)
            {
                Synclet.AtomsChanged -= OnAtomsChanged;
            }
        }
    }

    /// <summary>The value now; properties never written read as their defaults.</summary>
    public async Task<T> GetAsync(CancellationToken cancellationToken = default) =>
        T.FromAtoms(await Synclet.GetAtomsAsync([], cancellationToken).ConfigureAwait(false));

    /// <summary>Writes the atoms that differ from the stored value.</summary>
    /// <returns>How many atoms were written.</returns>
    public async Task<int> SetAsync(T value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var atoms = await Synclet.GetAtomsAsync([], cancellationToken).ConfigureAwait(false);
        var changes = new List<KeyValuePair<string, Atom>>();
        T.AddChangedAtoms(atoms.Count == 0 ? default : T.FromAtoms(atoms), value, changes);
        if (changes.Count > 0)
        {
            await Synclet.SetAtomsAsync([], changes, cancellationToken).ConfigureAwait(false);
        }

        return changes.Count;
    }

    /// <summary>The value each time it changes, until cancelled.</summary>
    public async IAsyncEnumerable<T> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnChanged(object? sender, EventArgs e) => signals.Writer.TryWrite(true);
        Changed += OnChanged;
        try
        {
            await foreach (var _ in signals.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return await GetAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Changed -= OnChanged;
        }
    }

    private void OnAtomsChanged(object? sender, AtomsChangedEventArgs e) => _changed?.Invoke(this, EventArgs.Empty);
}
