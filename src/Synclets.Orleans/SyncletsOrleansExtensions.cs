using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Synclets.AspNetCore;

namespace Synclets.Orleans;

/// <summary>Registration of clustered rooms.</summary>
public static class SyncletsOrleansExtensions
{
    /// <summary>
    /// Keeps the Synclets server's rooms in the Orleans cluster this app's silo belongs to (set up
    /// with <c>builder.UseOrleans(...)</c>): one activation per room in the whole cluster, holding
    /// its store, while each node keeps its own WebSockets. Call it after <c>AddSynclets</c>; the
    /// endpoint stays <c>app.MapSynclets("/sync/{room}")</c>, and every node must be given the same
    /// server options (the store factory runs where the room's grain is activated).
    /// </summary>
    public static IServiceCollection WithOrleansRooms(this IServiceCollection services, Action<SyncletsClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SyncletsClusterOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<IRoomCluster, OrleansRoomCluster>();
        services.TryAddSingleton<SyncletsClusterRooms>();
        return services;
    }
}
