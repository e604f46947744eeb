using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Synclets.AspNetCore;

namespace Synclets.Orleans;

/// <summary>
/// A node's link to one room's grain: the node's connections' joins, leaves and packets go up in
/// order, a batch a call, and what the room sends them comes back to its observer. One per node
/// per room however many connections the node holds there, so the grain's cost grows with nodes,
/// not connections. Every answer carries the room's epoch: when the room started again elsewhere
/// (its silo died) or dropped this node, the node closes its connections, which reconnect and resync.
/// </summary>
internal sealed partial class OrleansRoomLink : IRoomUplink, IRoomNode
{
    private const int MaxBatch = 512;
    private readonly IGrainFactory _grains;
    private readonly IRoomGrain _grain;
    private readonly string _name;
    private readonly IClusterRoom _room;
    private readonly TimeSpan _heartbeat;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BoundedQueue<RoomUp> _queue;
    private readonly CancellationTokenSource _closing = new();
    private readonly string _id = Guid.NewGuid().ToString("N");
    private IRoomNode? _reference;
    private Guid _epoch;
    private Task _pump = Task.CompletedTask;
    private Task _heartbeats = Task.CompletedTask;
    private int _lost;

    public OrleansRoomLink(IGrainFactory grains, IRoomGrain grain, string name, IClusterRoom room, long maxQueuedBytes, TimeSpan heartbeat, TimeProvider time, ILogger logger)
    {
        _grains = grains;
        _grain = grain;
        _name = name;
        _room = room;
        _heartbeat = heartbeat;
        _time = time;
        _logger = logger;
        _queue = new BoundedQueue<RoomUp>(maxQueuedBytes, static item => item.Size);
    }

    public bool HasStore { get; private set; }

    /// <summary>Subscribes to the room (activating it, wherever the cluster places it) and starts the pump and the heartbeat.</summary>
    public async Task AttachAsync(CancellationToken cancellationToken)
    {
        _reference = _grains.CreateObjectReference<IRoomNode>(this);
        var receipt = await _grain.AttachAsync(_id, _reference).WaitAsync(cancellationToken).ConfigureAwait(false);
        _epoch = receipt.Epoch;
        HasStore = receipt.HasStore;
        _pump = Task.Run(PumpAsync, CancellationToken.None);
        _heartbeats = Task.Run(HeartbeatAsync, CancellationToken.None);
    }

    public void Joined(string connection, ClaimsPrincipal? user, bool readOnly) => Enqueue(new RoomUp(RoomUpKind.Joined, connection, User: RoomUser.From(user), ReadOnly: readOnly));

    public void Left(string connection) => Enqueue(new RoomUp(RoomUpKind.Left, connection));

    public void Send(string from, string to, string readdressed) => Enqueue(new RoomUp(RoomUpKind.Packet, from, to, readdressed));

    public ValueTask WhenReadyAsync(CancellationToken cancellationToken) => _queue.WhenBelowHalfAsync(cancellationToken);

    public async Task<RoomTree?> GetTreeAsync(CancellationToken cancellationToken) =>
        await _grain.GetTreeAsync().WaitAsync(cancellationToken).ConfigureAwait(false) is { } tree ? new RoomTree(tree.Depth, tree.Data, tree.Meta) : null;

    public async Task DeliverAsync(RoomBatch<RoomDown> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var packet in batch.Items)
        {
            if (packet.To != Transports.Packet.Everyone)
            {
                // A reply to one connection goes at the pace it reads (and the room's pump waits for it).
                await _room.WhenReadyForAsync(packet.To, _closing.Token).ConfigureAwait(false);
            }

            _room.Deliver(packet.From, packet.To, packet.Except, packet.Text);
        }
    }

    /// <summary>Sends what is queued, waits for it to be taken, and unsubscribes.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _pump.ConfigureAwait(false);
        await _closing.CancelAsync().ConfigureAwait(false);
        await _heartbeats.ConfigureAwait(false);
        if (_reference is not null)
        {
            if (Volatile.Read(ref _lost) == 0)
            {
                try
                {
                    await _grain.DetachAsync(_id).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    // The room's silo is gone; its lease drops this link anyway.
                    LogDetachFailed(_logger, _name, exception.Message);
                }
            }

            _grains.DeleteObjectReference<IRoomNode>(_reference);
        }

        _closing.Dispose();
    }

    /// <summary>
    /// Queues an item for the room. Never refused for size: the broker stops reading a socket
    /// while the queue is over half full (<see cref="WhenReadyAsync"/>), so each connection adds
    /// at most one packet past that, and a join or leave must always go.
    /// </summary>
    private void Enqueue(RoomUp item) => _queue.TryAdd(item, evenPastBound: true);

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                var batch = await _queue.TakeAsync(MaxBatch, CancellationToken.None).ConfigureAwait(false);
                if (batch.Length == 0 || Volatile.Read(ref _lost) != 0)
                {
                    return;
                }

                Check(await _grain.SendAsync(_id, new RoomBatch<RoomUp>(batch)).ConfigureAwait(false));
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Lose($"the room could not be reached ({exception.GetBaseException().Message})");
        }
    }

    private async Task HeartbeatAsync()
    {
        using var timer = new PeriodicTimer(_heartbeat, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                Check(await _grain.PingAsync(_id).WaitAsync(_closing.Token).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closed.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Lose($"the room could not be reached ({exception.GetBaseException().Message})");
        }
    }

    private void Check(RoomReceipt receipt)
    {
        if (receipt.Epoch != _epoch)
        {
            Lose("the room started again on another node");
        }
        else if (!receipt.Attached)
        {
            Lose("the room dropped this node");
        }
    }

    /// <summary>The room is lost to this node: its connections are closed with 1012, and reconnect (to this node or another) to resync.</summary>
    private void Lose(string reason)
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0)
        {
            return;
        }

        LogLost(_logger, _name, reason);
        _queue.Complete();
        _room.Lost($"{reason}; reconnect to resync");
    }

    [LoggerMessage(310, LogLevel.Warning, "This node lost room '{Room}': {Reason}. Its connections are closed, to reconnect and resync.")]
    private static partial void LogLost(ILogger logger, string room, string reason);

    [LoggerMessage(311, LogLevel.Debug, "Could not detach from room '{Room}': {Reason}.")]
    private static partial void LogDetachFailed(ILogger logger, string room, string reason);
}
