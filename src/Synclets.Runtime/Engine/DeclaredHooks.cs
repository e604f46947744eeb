using Synclets.Protocol;

namespace Synclets;

/// <summary>
/// The one way the engine calls the user's hooks. The kinds that shape what is sent (read rules,
/// the sent-message observer) are called only when the hooks declare them
/// (<see cref="SyncletHooks.Uses"/>), so every path (reply, relay, broadcast, streamed or not)
/// treats an undeclared kind alike, and the fast paths are chosen by what the hooks say they do,
/// never by their type. The other kinds pass straight through.
/// </summary>
internal sealed class DeclaredHooks(SyncletHooks hooks)
{
    private readonly SyncletHookUses _uses = hooks.Uses;

    /// <summary>True when what a peer may read depends on the peer: replies are built parent by parent, broadcasts cut per recipient.</summary>
    public bool HasReadRules => (_uses & SyncletHookUses.ReadRules) != 0;

    /// <summary>True when no hook needs to see a message whole: replies may be streamed from the store and written straight to text.</summary>
    public bool AllowStreaming => (_uses & SyncletHookUses.All) == 0;

    public ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
        HasReadRules ? hooks.CanReadAtomAsync(address, context) : ValueTask.FromResult(true);

    public ValueTask<IReadOnlyCollection<string>> FilterChildIdsAsync(IReadOnlyList<string> address, IReadOnlyCollection<string> childIds, IReadOnlyDictionary<string, Atom> context) =>
        HasReadRules ? hooks.FilterChildIdsAsync(address, childIds, context) : ValueTask.FromResult(childIds);

    public void OnSendMessage(Message message, string recipient)
    {
        if ((_uses & SyncletHookUses.SentMessages) != 0)
        {
            hooks.OnSendMessage(message, recipient);
        }
    }

    public ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context) => hooks.CanReceiveMessageAsync(context);

    public ValueTask<IReadOnlyDictionary<string, Atom>> GetSendContextAsync(IReadOnlyDictionary<string, Atom> receivedContext) => hooks.GetSendContextAsync(receivedContext);

    public ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) => hooks.CanWriteAtomAsync(address, atom, context);

    public ValueTask<bool> CanRemoveAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) => hooks.CanRemoveAtomAsync(address, context);

    public void OnStart() => hooks.OnStart();

    public void OnStop() => hooks.OnStop();

    public void OnSync(IReadOnlyList<string> address) => hooks.OnSync(address);

    public void OnReceiveMessage(Message message, string from) => hooks.OnReceiveMessage(message, from);

    public void OnSetAtom(IReadOnlyList<string> address, Atom atom) => hooks.OnSetAtom(address, atom);
}
