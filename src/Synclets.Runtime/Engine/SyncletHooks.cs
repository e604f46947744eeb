using Synclets.Protocol;

namespace Synclets;

/// <summary>
/// Authorization, filtering, context and observers, as in the JavaScript Synclets hooks. Override
/// what you need; the defaults allow everything and observe nothing. The <c>context</c> is the
/// received message's context (an auth token, say): <see cref="GetSendContextAsync"/> makes it.
/// </summary>
/// <remarks>
/// Hooks run on the synclet's work loop, one at a time; keep them quick. A subclass that overrides
/// only write rules, contexts or observers should say so with <see cref="Uses"/>, so that the
/// synclet keeps its fastest paths.
/// </remarks>
public class SyncletHooks
{
    /// <summary>The hooks that allow everything.</summary>
    public static SyncletHooks AllowAll { get; } = new();

    /// <summary>
    /// Which hooks that shape what is sent these hooks implement: read rules
    /// (<see cref="CanReadAtomAsync"/>, <see cref="FilterChildIdsAsync"/>) and the sent-message
    /// observer (<see cref="OnSendMessage"/>). Only the kinds declared are called; without either,
    /// replies stream from the store straight to wire text. A subclass that does not override this
    /// is taken to use both (safe, and slower); override it to declare exactly what you override,
    /// for example <see cref="SyncletHookUses.None"/> for hooks that only authorize writes.
    /// </summary>
    public virtual SyncletHookUses Uses => GetType() == typeof(SyncletHooks) ? SyncletHookUses.None : SyncletHookUses.All;

    /// <summary>Whether to handle a received message at all; a refused one is dropped with a warning.</summary>
    public virtual ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context) => ValueTask.FromResult(true);

    /// <summary>The context to send with a message; <paramref name="receivedContext"/> is empty unless it is a reply.</summary>
    public virtual ValueTask<IReadOnlyDictionary<string, Atom>> GetSendContextAsync(IReadOnlyDictionary<string, Atom> receivedContext) =>
        ValueTask.FromResult(Message.EmptyContext);

    /// <summary>Whether a peer may read the atom at <paramref name="address"/>; a refused atom is not sent.</summary>
    public virtual ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) => ValueTask.FromResult(true);

    /// <summary>Whether a peer may write <paramref name="atom"/> at <paramref name="address"/>; a refused write stores nothing, not even its timestamp.</summary>
    public virtual ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) => ValueTask.FromResult(true);

    /// <summary>Whether a peer may delete the atom at <paramref name="address"/>; a refused deletion stores nothing.</summary>
    public virtual ValueTask<bool> CanRemoveAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) => ValueTask.FromResult(true);

    /// <summary>Which children of <paramref name="address"/> a peer may see; the rest are left out of replies.</summary>
    public virtual ValueTask<IReadOnlyCollection<string>> FilterChildIdsAsync(IReadOnlyList<string> address, IReadOnlyCollection<string> childIds, IReadOnlyDictionary<string, Atom> context) =>
        ValueTask.FromResult(childIds);

    /// <summary>Observes the synclet starting.</summary>
    public virtual void OnStart()
    {
    }

    /// <summary>Observes the synclet stopping.</summary>
    public virtual void OnStop()
    {
    }

    /// <summary>Observes a sync of <paramref name="address"/> being requested.</summary>
    public virtual void OnSync(IReadOnlyList<string> address)
    {
    }

    /// <summary>Observes a message about to be sent to <paramref name="recipient"/> (<c>*</c> for everyone).</summary>
    public virtual void OnSendMessage(Message message, string recipient)
    {
    }

    /// <summary>Observes a valid message received from <paramref name="from"/>.</summary>
    public virtual void OnReceiveMessage(Message message, string from)
    {
    }

    /// <summary>Observes an atom written or deleted (absent), locally or by a peer.</summary>
    public virtual void OnSetAtom(IReadOnlyList<string> address, Atom atom)
    {
    }
}
