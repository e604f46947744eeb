namespace Synclets;

/// <summary>
/// What a <see cref="SyncletHooks"/> subclass does that changes how a synclet builds what it sends
/// (<see cref="SyncletHooks.Uses"/>). Write rules, contexts and the other observers change nothing
/// here: they run on every path, whatever the hooks declare.
/// </summary>
[Flags]
public enum SyncletHookUses
{
    /// <summary>
    /// Neither: replies and relays may be streamed from the store and written straight to wire
    /// text, the fastest paths (a large initial sync reads each table in one query).
    /// </summary>
    None = 0,

    /// <summary>
    /// <see cref="SyncletHooks.CanReadAtomAsync"/> or <see cref="SyncletHooks.FilterChildIdsAsync"/>:
    /// what each peer may read. Replies are built parent by parent, and every relay and broadcast
    /// is cut per recipient. Undeclared, neither hook is called.
    /// </summary>
    ReadRules = 1,

    /// <summary>
    /// <see cref="SyncletHooks.OnSendMessage"/>: sees each message sent, so each is built as a
    /// <see cref="Protocol.Message"/> before its text. Undeclared, the hook is not called.
    /// </summary>
    SentMessages = 2,

    /// <summary>Both: what a subclass that does not override <see cref="SyncletHooks.Uses"/> is taken to do.</summary>
    All = ReadRules | SentMessages,
}
