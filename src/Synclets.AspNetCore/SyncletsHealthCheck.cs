using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Synclets.AspNetCore;

/// <summary>
/// The server's health for a load balancer or an orchestrator: healthy with the rooms and
/// connections it holds; unhealthy once the host is stopping (it closes its connections, telling
/// clients to reconnect elsewhere, and drains each room's queued work into its store), so that
/// readiness turns false before the last connection goes; unhealthy too while a room's store
/// fails to apply what clients send (unreachable, locked, full), naming the rooms and why, until
/// a message is applied again.
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
        if (broker.IsShuttingDown)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "The server is shutting down: it closes its connections and drains its rooms.", data: data));
        }

        var failing = broker.RoomNames
            .Select(room => (Room: room, Failure: broker.GetRoomStore(room)?.Statistics.LastApplyFailure))
            .Where(room => room.Failure is not null)
            .ToList();
        if (failing.Count > 0)
        {
            data["failing rooms"] = failing.Count;
            return Task.FromResult(new HealthCheckResult(
                context.Registration.FailureStatus,
                $"{failing.Count} of {data["rooms"]} rooms cannot store what clients send: " + string.Join("; ", failing.Take(5).Select(room => $"room '{room.Room}': {room.Failure}")),
                data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{data["rooms"]} rooms open, {data["connections"]} connections.", data));
    }
}
