using Synclets.Protocol;

namespace Synclets.AspNetCore;

/// <summary>Hooks that hand everything to the room's own hooks: the base of the server's guards, which override the rules they add to.</summary>
internal abstract class DelegatingHooks(SyncletHooks inner) : SyncletHooks
{
    protected SyncletHooks Inner { get; } = inner;

    public override SyncletHookUses Uses => Inner.Uses;

    public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) => Inner.CanWriteAtomAsync(address, atom, context);

    public override ValueTask<bool> CanRemoveAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) => Inner.CanRemoveAtomAsync(address, context);

    public override ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context) => Inner.CanReceiveMessageAsync(context);

    public override ValueTask<IReadOnlyDictionary<string, Atom>> GetSendContextAsync(IReadOnlyDictionary<string, Atom> receivedContext) => Inner.GetSendContextAsync(receivedContext);

    public override ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) => Inner.CanReadAtomAsync(address, context);

    public override ValueTask<IReadOnlyCollection<string>> FilterChildIdsAsync(IReadOnlyList<string> address, IReadOnlyCollection<string> childIds, IReadOnlyDictionary<string, Atom> context) =>
        Inner.FilterChildIdsAsync(address, childIds, context);

    public override void OnStart() => Inner.OnStart();

    public override void OnStop() => Inner.OnStop();

    public override void OnSync(IReadOnlyList<string> address) => Inner.OnSync(address);

    public override void OnSendMessage(Message message, string recipient) => Inner.OnSendMessage(message, recipient);

    public override void OnReceiveMessage(Message message, string from) => Inner.OnReceiveMessage(message, from);

    public override void OnSetAtom(IReadOnlyList<string> address, Atom atom) => Inner.OnSetAtom(address, atom);
}
