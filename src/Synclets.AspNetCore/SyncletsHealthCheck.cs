using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Synclets.AspNetCore;

/// <summary>
/// The server's health for a load balancer or an orchestrator: healthy with the rooms and
/// connections it holds, unhealthy once the host is stopping (it closes its connections, telling
/// clients to reconnect elsewhere, and drains each room's queued work into its store), so that
/// readiness turns false before the last connection goes.
/// </summary>
internal sealed class SyncletsHealthCheck(SyncletsBroker broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["rooms"] = broker.RoomNames.Count,
            ["connections"] = broker.ConnectionCount,
        };
        return Task.FromResult(broker.IsShuttingDown
            ? new HealthCheckResult(context.Registration.FailureStatus, "The server is shutting down: it closes its connections and drains its rooms.", data: data)
            : HealthCheckResult.Healthy($"{data["rooms"]} rooms open, {data["connections"]} connections.", data));
    }
}
