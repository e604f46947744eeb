namespace Synclets;

/// <summary>One atom written or deleted (<see cref="Atom.Absent"/>), locally or by a peer.</summary>
/// <param name="Address">The atom address.</param>
/// <param name="Atom">The new atom, or absent for a deletion.</param>
public readonly record struct AtomChange(IReadOnlyList<string> Address, Atom Atom);

/// <summary>The atoms one piece of work (a local change, a received message) wrote.</summary>
/// <param name="changes">The changes, in the order they were applied.</param>
public sealed class AtomsChangedEventArgs(IReadOnlyList<AtomChange> changes) : EventArgs
{
    /// <summary>The changes, in the order they were applied.</summary>
    public IReadOnlyList<AtomChange> Changes { get; } = changes;
}
