using Synclets.Connectors;
using Synclets.Tests.Support;

namespace Synclets.Tests.Engine;

/// <summary>
/// A carrier that can stop reading waits on <see cref="Transports.Transport.WhenReceiverReadyAsync"/>:
/// it may go on while the synclet's queue holds less than <see cref="SyncletOptions.MaxQueuedBytes"/>
/// of message text, and once that is reached, only after the queue has drained to half.
/// </summary>
public class FlowControlTests
{
    private const string Message = "[1,0,2,[\"a\",\"b\"],[\"OhqqeV-----BT7zq\",\"A\"],{}]";
    private static readonly long Size = Message.Length * sizeof(char);

    [Fact]
    public async Task A_full_queue_holds_the_carrier_until_half_of_it_is_handled()
    {
        var hooks = new GatedHooks();
        var transport = new ScriptedTransport();
        await using var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), transport, new SyncletOptions { Id = "me", Hooks = hooks, MaxQueuedBytes = 4 * Size });
        await synclet.StartAsync();

        // The first message holds the loop (its hook waits); three more wait behind it: under the limit.
        transport.InjectMessage("peer", Message);
        await hooks.Entered.Task;
        for (var i = 0; i < 3; i++)
        {
            transport.InjectMessage("peer", Message);
        }

        Assert.True(transport.WhenReceiverReadyAsync().AsTask().IsCompleted);

        transport.InjectMessage("peer", Message);
        transport.InjectMessage("peer", Message);
        var ready = transport.WhenReceiverReadyAsync().AsTask();
        Assert.False(ready.IsCompleted);
        Assert.Equal(5, synclet.Statistics.QueuedMessages);
        Assert.Equal(5 * Size, synclet.Statistics.QueuedBytes);

        hooks.Open();
        await ready.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(synclet.Statistics.QueuedMessages <= 2, $"{synclet.Statistics.QueuedMessages} messages still queued when the carrier went on");
        await synclet.WhenIdleAsync();
        Assert.Equal(0, synclet.Statistics.QueuedMessages);
        Assert.Equal(0, synclet.Statistics.QueuedBytes);
        Assert.Equal(5 * Size, synclet.Statistics.PeakQueuedBytes);
        Assert.Equal(6, synclet.Statistics.MessagesReceived);
    }

    [Fact]
    public async Task A_stopped_synclet_holds_no_carrier()
    {
        var hooks = new GatedHooks();
        var transport = new ScriptedTransport();
        var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), transport, new SyncletOptions { Id = "me", Hooks = hooks, MaxQueuedBytes = 1 });
        await synclet.StartAsync();
        transport.InjectMessage("peer", Message);
        await hooks.Entered.Task;
        transport.InjectMessage("peer", Message);
        var ready = transport.WhenReceiverReadyAsync().AsTask();
        Assert.False(ready.IsCompleted);

        hooks.Open();
        await synclet.DisposeAsync();
        await ready.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(transport.WhenReceiverReadyAsync().AsTask().IsCompleted, "a detached transport has no queue to wait for");
    }

    [Fact]
    public async Task Stopping_does_not_wait_for_a_carrier_that_never_takes_the_packet()
    {
        var transport = new StuckTransport();
        var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), transport, new SyncletOptions { Id = "me" });
        var starting = synclet.StartAsync(); // Starting sends the root hash, which never leaves.
        await transport.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await synclet.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await starting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(synclet.IsStarted);
    }

    [Fact]
    public void The_limit_is_at_least_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), [], new SyncletOptions { MaxQueuedBytes = 0 }));

    /// <summary>A carrier that is always full: a send waits until it is cancelled.</summary>
    private sealed class StuckTransport : Synclets.Transports.Transport
    {
        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override ValueTask ConnectAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        protected override ValueTask DisconnectAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        protected override async ValueTask SendPacketAsync(string packet, CancellationToken cancellationToken)
        {
            Waiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    /// <summary>Holds every received message at its first hook until the test opens the gate.</summary>
    private sealed class GatedHooks : SyncletHooks
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        public override async ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context)
        {
            Entered.TrySetResult();
            await _gate.Task;
            return true;
        }
    }
}
