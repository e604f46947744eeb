namespace Synclets.Connectors;

/// <summary>
/// Where a synclet's data lives: one atom per atom address. Implement these four methods to sync
/// any storage; the optional <see cref="IBulkDataReader"/> makes large syncs faster.
/// </summary>
/// <remarks>
/// A synclet calls its connectors from one work loop, one call at a time, so an implementation
/// needs no locks of its own. Addresses passed in may be reused buffers: copy one to keep it.
/// </remarks>
public interface IDataConnector
{
    /// <summary>The depth of the tree this connector stores.</summary>
    int Depth { get; }

    /// <summary>Reads the atom at an atom address; <see cref="Atom.Absent"/> when there is none.</summary>
    ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default);

    /// <summary>Writes the atom at an atom address (never absent: removal is <see cref="RemoveAtomAsync"/>).</summary>
    ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default);

    /// <summary>Removes the atom at an atom address, and any parent left empty.</summary>
    ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default);

    /// <summary>The ids of the children that hold data under a parent address (the root is empty).</summary>
    /// <remarks>The result may be a live view; the engine enumerates it before its next write.</remarks>
    ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default);
}
