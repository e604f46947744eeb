namespace Synclets.Orleans;

/// <summary>Where a room of the cluster is active now, and what it holds.</summary>
/// <param name="Silo">The address of the silo (the node) its grain is active on.</param>
/// <param name="Nodes">How many nodes hold connections of the room (one link each).</param>
/// <param name="Connections">How many connections those nodes hold in it.</param>
public sealed record ClusterRoomInfo(string Silo, int Nodes, int Connections);

/// <summary>The cluster's rooms as an operator sees them (registered by <see cref="SyncletsOrleansExtensions.WithOrleansRooms"/>).</summary>
public sealed class SyncletsClusterRooms
{
    private readonly IGrainFactory _grains;

    /// <summary>Created by the container.</summary>
    public SyncletsClusterRooms(IGrainFactory grains) => _grains = grains;

    /// <summary>Where room <paramref name="room"/> is active now; asking activates it when it is not.</summary>
    public async Task<ClusterRoomInfo> DescribeAsync(string room, CancellationToken cancellationToken = default)
    {
        var place = await _grains.GetGrain<IRoomGrain>(room).DescribeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new ClusterRoomInfo(place.Silo, place.Links, place.Connections);
    }
}
