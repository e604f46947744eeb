using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets;

/// <summary>How the protocol sends: a reply to one peer, a message to everyone, or what it applied on to everyone else.</summary>
internal interface IMessageSender
{
    /// <summary>Sends to one peer on one transport.</summary>
    ValueTask SendAsync(Transport transport, string to, Message message, bool forcePartial);

    /// <summary>
    /// Sends a message already written as text to one peer (the text is not kept once the returned
    /// task completes). The message is never shown to <see cref="SyncletHooks.OnSendMessage"/>, so
    /// only a synclet whose hooks allow streaming (DeclaredHooks.AllowStreaming) may take this way.
    /// </summary>
    ValueTask SendTextAsync(Transport transport, string to, ReadOnlyMemory<char> messageText);

    /// <summary>True when a broadcast would reach someone (started, and a transport attached): else there is no message to build.</summary>
    bool CanBroadcast { get; }

    /// <summary>Sends to every peer on every attached transport.</summary>
    ValueTask BroadcastAsync(Message message, bool forcePartial);

    /// <summary>True when what arrived on <paramref name="origin"/> can go on to someone: another transport, or the origin's other peers when it relays between them.</summary>
    bool CanPropagate(Transport origin);

    /// <summary>
    /// Sends what was applied from peer <paramref name="from"/> on <paramref name="origin"/> to every
    /// other attached transport, and to the origin's other peers when it relays between them
    /// (<see cref="Transport.RelaysBetweenPeers"/>).
    /// </summary>
    ValueTask PropagateAsync(Message message, bool forcePartial, Transport origin, string from);

    /// <summary>
    /// <see cref="PropagateAsync"/> for a message already written as text. The message is never shown to
    /// <see cref="SyncletHooks.OnSendMessage"/>, so only a synclet whose hooks allow streaming (DeclaredHooks.AllowStreaming) may take this way.
    /// </summary>
    ValueTask PropagateTextAsync(ReadOnlyMemory<char> messageText, Transport origin, string from);

    /// <summary>
    /// Told before each atom is written: from then on, in a transactional unit of work, what is
    /// sent waits for the commit (and is dropped on rollback), so peers hear only what is durable.
    /// </summary>
    void Writing();
}
