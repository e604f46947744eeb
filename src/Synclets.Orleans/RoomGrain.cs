using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Synclets.AspNetCore;

namespace Synclets.Orleans;

/// <summary>
/// One room of the cluster, activated once in it: the room's store synclet (as the server options'
/// <see cref="SyncletsServerOptions.StoreFactory"/> opens it; PostgreSQL in production, so any silo
/// can take the room over), or for a relay-only room just who is connected where, and a link to
/// each node that holds its connections. A room with no node left deactivates once its store has
/// applied what it received; the next connection activates it again, wherever.
/// </summary>
/// <remarks>
/// Placed on the silo of the node that first asks for it: the room's first clients then take no
/// extra hop, and rooms spread over the nodes as their clients do.
/// </remarks>
[PreferLocalPlacement]
internal sealed partial class RoomGrain(
    IOptions<SyncletsServerOptions> serverOptions,
    IOptions<SyncletsClusterOptions> clusterOptions,
    IServiceProvider services,
    ILoggerFactory loggers,
    TimeProvider? time = null) : Grain, IRoomGrain
{
    private readonly Guid _epoch = Guid.NewGuid();
    private readonly GrainRoomHub _hub = new();
    private readonly ILogger _logger = loggers.CreateLogger<RoomGrain>();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private RoomStore? _store;
    private IGrainTimer? _leases;

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var meters = services.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory)) as System.Diagnostics.Metrics.IMeterFactory;

        // Started off the grain's scheduler: the synclet runs its own loop on the thread pool, and
        // its packets reach the nodes through the links' pumps, never through a grain turn.
        _store = await Task.Run(() => RoomStore.OpenAsync(Name, serverOptions.Value, services, loggers, meters, _hub, _hub.UserOf, _hub.IsReadOnly, cancellationToken), cancellationToken).ConfigureAwait(true);
        var heartbeat = clusterOptions.Value.HeartbeatInterval;
        _leases = this.RegisterGrainTimer(DropSilentNodes, new GrainTimerCreationOptions(heartbeat, heartbeat) { KeepAlive = false });
        LogActivated(_logger, Name, _store is null ? "relay-only" : "with a store");
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _leases?.Dispose();
        foreach (var outbox in _hub.Links)
        {
            _hub.RemoveLink(outbox);
            await outbox.DisposeAsync().ConfigureAwait(true);
        }

        if (_store is { } store)
        {
            // Everything received is applied before the room lets go of its store.
            await Task.Run(() => store.CloseAsync().AsTask(), CancellationToken.None).ConfigureAwait(true);
            _store = null;
        }

        LogDeactivated(_logger, Name, reason.Description);
    }

    public Task<RoomReceipt> AttachAsync(string node, IRoomNode observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        // A node waits up to SlowConnectionTimeout for one slow client before it drops that client
        // and goes on; only a node stuck for twice that is itself dropped.
        var options = serverOptions.Value;
        _hub.AddLink(new NodeOutbox(node, observer, options.MaxQueuedBytesPerRoom, options.SlowConnectionTimeout * 2, NodeFailed, _time.GetTimestamp()));
        return Task.FromResult(Receipt(attached: true));
    }

    public async Task<RoomReceipt> SendAsync(string node, RoomBatch<RoomUp> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_hub.TryGetLink(node, out var outbox))
        {
            return Receipt(attached: false);
        }

        outbox.LastHeard = _time.GetTimestamp();
        foreach (var item in batch.Items)
        {
            switch (item.Kind)
            {
                case RoomUpKind.Joined:
                    _hub.Joined(outbox, item);
                    break;
                case RoomUpKind.Left:
                    _hub.Left(outbox, item.Connection);
                    break;
                case RoomUpKind.Packet when item.To is not null && item.Text is not null:
                    _hub.Route(outbox, item.Connection, item.To, item.Text);
                    break;
            }
        }

        // Flow control across the cluster: the node's next batch waits while the store's queue is
        // full, and the node stops reading its sockets meanwhile.
        if (_store is { } store)
        {
            await store.Transport.WhenReceiverReadyAsync(CancellationToken.None).ConfigureAwait(true);
        }

        return Receipt(attached: true);
    }

    public Task<RoomReceipt> PingAsync(string node)
    {
        var attached = _hub.TryGetLink(node, out var outbox);
        if (attached)
        {
            outbox.LastHeard = _time.GetTimestamp();
        }

        return Task.FromResult(Receipt(attached));
    }

    public async Task DetachAsync(string node)
    {
        if (_hub.TryGetLink(node, out var outbox) && _hub.RemoveLink(outbox))
        {
            await outbox.DisposeAsync().ConfigureAwait(true);
        }

        DeactivateIfUnused();
    }

    public async Task<RoomTreeText?> GetTreeAsync()
    {
        if (_store is not { } store)
        {
            return null;
        }

        var data = await store.Synclet.GetDataAsync().ConfigureAwait(true);
        var meta = await store.Synclet.GetMetaAsync().ConfigureAwait(true);
        return new RoomTreeText(store.Synclet.Depth, data.ToJsonString(), meta.ToJsonString());
    }

    public Task<RoomPlace> DescribeAsync()
    {
        var silo = ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        return Task.FromResult(new RoomPlace(silo.ToString(), silo.Endpoint.Port, _hub.Links.Count, _hub.ConnectionCount));
    }

    private RoomReceipt Receipt(bool attached) => new(_epoch, attached, _store is not null);

    /// <summary>A link's pump failed or fell behind (off the grain's scheduler): the node is dropped, and finds out at its next call.</summary>
    private void NodeFailed(NodeOutbox outbox, string reason)
    {
        if (_hub.RemoveLink(outbox))
        {
            LogNodeDropped(_logger, Name, outbox.Link, reason);
        }
    }

    /// <summary>Drops the nodes that have not called for three heartbeats (they died), then deactivates a room nobody holds.</summary>
    private Task DropSilentNodes(CancellationToken cancellationToken)
    {
        var limit = clusterOptions.Value.HeartbeatInterval * 3;
        foreach (var outbox in _hub.Links)
        {
            if (_time.GetElapsedTime(outbox.LastHeard) > limit && _hub.RemoveLink(outbox))
            {
                LogNodeDropped(_logger, Name, outbox.Link, $"not heard from for {limit}");
            }
        }

        DeactivateIfUnused();
        return Task.CompletedTask;
    }

    private void DeactivateIfUnused()
    {
        if (_hub.Links.Count == 0)
        {
            DeactivateOnIdle();
        }
    }

    [LoggerMessage(300, LogLevel.Information, "Room '{Room}' activated here, {Kind}.")]
    private static partial void LogActivated(ILogger logger, string room, string kind);

    [LoggerMessage(301, LogLevel.Information, "Room '{Room}' deactivated: {Reason}.")]
    private static partial void LogDeactivated(ILogger logger, string room, string reason);

    [LoggerMessage(302, LogLevel.Warning, "Room '{Room}' dropped node link {Link}: {Reason}.")]
    private static partial void LogNodeDropped(ILogger logger, string room, string link, string reason);
}
