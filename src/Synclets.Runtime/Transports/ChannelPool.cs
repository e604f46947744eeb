using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Synclets.Transports;

/// <summary>
/// A hub whose members each read their packets from a <see cref="Channel{T}"/> on a task of their
/// own, so synclets on different threads sync without sharing a call stack: the .NET twin of the
/// browser's BroadcastChannel.
/// </summary>
public sealed class ChannelPool : PacketHub
{
    private readonly ConcurrentDictionary<IHubMember, Mailbox> _mailboxes = new();

    /// <inheritdoc/>
    protected override void Deliver(IHubMember member, string packet)
    {
        if (_mailboxes.TryGetValue(member, out var mailbox))
        {
            InFlight.Enter();
            if (!mailbox.Channel.Writer.TryWrite(packet))
            {
                InFlight.Exit(); // The member is leaving.
            }
        }
    }

    /// <inheritdoc/>
    protected override void OnJoined(IHubMember member)
    {
        var mailbox = new Mailbox(Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true }));
        _mailboxes[member] = mailbox;
        mailbox.Pump = Task.Run(() => PumpAsync(member, mailbox.Channel.Reader));
    }

    /// <inheritdoc/>
    protected override void OnLeft(IHubMember member)
    {
        if (_mailboxes.TryRemove(member, out var mailbox))
        {
            mailbox.Channel.Writer.TryComplete();
        }
    }

    private async Task PumpAsync(IHubMember member, ChannelReader<string> reader)
    {
        await foreach (var packet in reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                member.Receive(packet);
            }
            finally
            {
                InFlight.Exit();
            }
        }
    }

    private sealed class Mailbox(Channel<string> channel)
    {
        public Channel<string> Channel { get; } = channel;

        public Task? Pump { get; set; }
    }
}
