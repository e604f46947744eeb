using Synclets.Protocol;

namespace Synclets.AspNetCore;

/// <summary>Refuses writes and deletions from read-only connections, and hands everything else to the room's own hooks.</summary>
internal sealed class ReadOnlyGuardHooks(SyncletHooks inner, Func<string, bool> isReadOnly) : SyncletHooks
{
    // A write rule changes nothing about what is sent: the room streams as its own hooks allow.
    public override SyncletHookUses Uses => inner.Uses;

    public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) =>
        IsReadOnly(context) ? ValueTask.FromResult(false) : inner.CanWriteAtomAsync(address, atom, context);

    public override ValueTask<bool> CanRemoveAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
        IsReadOnly(context) ? ValueTask.FromResult(false) : inner.CanRemoveAtomAsync(address, context);

    public override ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context) => inner.CanReceiveMessageAsync(context);

    public override ValueTask<IReadOnlyDictionary<string, Atom>> GetSendContextAsync(IReadOnlyDictionary<string, Atom> receivedContext) => inner.GetSendContextAsync(receivedContext);

    public override ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) => inner.CanReadAtomAsync(address, context);

    public override ValueTask<IReadOnlyCollection<string>> FilterChildIdsAsync(IReadOnlyList<string> address, IReadOnlyCollection<string> childIds, IReadOnlyDictionary<string, Atom> context) =>
        inner.FilterChildIdsAsync(address, childIds, context);

    public override void OnStart() => inner.OnStart();

    public override void OnStop() => inner.OnStop();

    public override void OnSync(IReadOnlyList<string> address) => inner.OnSync(address);

    public override void OnSendMessage(Message message, string recipient) => inner.OnSendMessage(message, recipient);

    public override void OnReceiveMessage(Message message, string from) => inner.OnReceiveMessage(message, from);

    public override void OnSetAtom(IReadOnlyList<string> address, Atom atom) => inner.OnSetAtom(address, atom);

    private bool IsReadOnly(IReadOnlyDictionary<string, Atom> context) => Ids.PeerOf(context) is { } peer && isReadOnly(peer);
}
