namespace Synclets;

/// <summary>
/// The atoms the current piece of work wrote, told to <see cref="Synclet.AtomsChanged"/> once the
/// work is done, and forgotten when its unit of work rolls back (observers hear only what was stored).
/// </summary>
internal sealed class PendingChanges
{
    private readonly List<AtomChange> _changes = [];

    /// <summary>True while someone listens for changes: only then is anything recorded (an address copy per atom).</summary>
    public bool IsRecording { get; set; }

    /// <summary>Records one written atom (the address is copied), if someone listens.</summary>
    public void Record(IReadOnlyList<string> address, Atom atom)
    {
        if (IsRecording)
        {
            _changes.Add(new AtomChange(address.ToArray(), atom));
        }
    }

    /// <summary>Forgets what was recorded.</summary>
    public void Clear() => _changes.Clear();

    /// <summary>What was recorded, as the event's arguments, and forgets it; null when nothing was written.</summary>
    public AtomsChangedEventArgs? Take()
    {
        if (_changes.Count == 0)
        {
            return null;
        }

        var changes = new AtomsChangedEventArgs([.. _changes]);
        _changes.Clear();
        return changes;
    }
}
