namespace Synclets.AspNetCore;

/// <summary>
/// Refuses writes and deletions from read-only connections, and hands everything else to the
/// room's own hooks. A write rule changes nothing about what is sent: the room streams as its own
/// hooks allow (the delegated <see cref="SyncletHooks.Uses"/>).
/// </summary>
internal sealed class ReadOnlyGuardHooks(SyncletHooks inner, Func<string, bool> isReadOnly) : DelegatingHooks(inner)
{
    public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) =>
        IsReadOnly(context) ? ValueTask.FromResult(false) : Inner.CanWriteAtomAsync(address, atom, context);

    public override ValueTask<bool> CanRemoveAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
        IsReadOnly(context) ? ValueTask.FromResult(false) : Inner.CanRemoveAtomAsync(address, context);

    private bool IsReadOnly(IReadOnlyDictionary<string, Atom> context) => Ids.PeerOf(context) is { } peer && isReadOnly(peer);
}
