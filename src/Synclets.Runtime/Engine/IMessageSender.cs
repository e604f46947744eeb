using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets;

/// <summary>How the protocol sends: a reply to one peer, or a message to every transport but one.</summary>
internal interface IMessageSender
{
    /// <summary>Sends to one peer on one transport.</summary>
    ValueTask SendAsync(Transport transport, string to, Message message, bool forcePartial);

    /// <summary>True when some attached transport other than <paramref name="except"/> could carry a broadcast.</summary>
    bool CanBroadcast(Transport? except);

    /// <summary>Sends to every peer on every attached transport except <paramref name="except"/>.</summary>
    ValueTask BroadcastAsync(Message message, bool forcePartial, Transport? except);
}
