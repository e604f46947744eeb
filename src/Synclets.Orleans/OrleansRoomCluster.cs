using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synclets.AspNetCore;

namespace Synclets.Orleans;

/// <summary>The broker's rooms on this node, kept in the cluster's room grains: one link per room this node holds connections of.</summary>
internal sealed class OrleansRoomCluster(
    IGrainFactory grains,
    IOptions<SyncletsServerOptions> serverOptions,
    IOptions<SyncletsClusterOptions> clusterOptions,
    ILoggerFactory loggers,
    TimeProvider? time = null) : IRoomCluster
{
    private readonly ILogger _logger = loggers.CreateLogger<OrleansRoomLink>();

    public async Task<IRoomUplink> OpenAsync(string name, IClusterRoom room, CancellationToken cancellationToken)
    {
        var link = new OrleansRoomLink(grains, grains.GetGrain<IRoomGrain>(name), name, room, serverOptions.Value.MaxQueuedBytesPerRoom, clusterOptions.Value.HeartbeatInterval, time ?? TimeProvider.System, _logger);
        try
        {
            await link.AttachAsync(cancellationToken).ConfigureAwait(false);
            return link;
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
