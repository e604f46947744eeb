namespace Synclets.Transports;

/// <summary>What a transport hands whole messages to: the synclet it is attached to.</summary>
internal interface IMessageReceiver
{
    /// <summary>The id of the receiving synclet; packets from this id or from <c>*</c> are dropped.</summary>
    string Id { get; }

    /// <summary>A whole message's text arrived from <paramref name="from"/>, as its fragments in order. Must only enqueue, never process inline.</summary>
    void OnMessage(Transport transport, string from, ReadOnlyMemory<char>[] messageParts);

    /// <summary>Completes when the receiver's queue has room for more messages (see <see cref="Transport.WhenReceiverReadyAsync"/>).</summary>
    ValueTask WhenReadyForMoreAsync(CancellationToken cancellationToken);

    /// <summary>The transport reconnected and may have missed messages: compare trees again.</summary>
    void OnResyncRequested(Transport transport);
}
