using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Synclets.AspNetCore;

/// <summary>Registration of the Synclets server in an ASP.NET Core app.</summary>
public static class SyncletsEndpointExtensions
{
    /// <summary>Adds the Synclets broker; <paramref name="configure"/> sets limits and which rooms keep a store.</summary>
    public static IServiceCollection AddSynclets(this IServiceCollection services, Action<SyncletsServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SyncletsServerOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddSingleton<SyncletsBroker>();
        return services;
    }

    /// <summary>
    /// Adds the server's health check (named <paramref name="name"/>): healthy with the rooms and
    /// connections it holds, unhealthy once the host is stopping and draining. Map it with
    /// <c>app.MapHealthChecks("/healthz")</c>.
    /// </summary>
    public static IHealthChecksBuilder AddSyncletsCheck(this IHealthChecksBuilder builder, string name = "synclets", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, services => new SyncletsHealthCheck(services.GetRequiredService<SyncletsBroker>()), HealthStatus.Unhealthy, tags));
    }

    /// <summary>
    /// Maps the live page of the server at <paramref name="prefix"/> (<c>/synclets</c>): its rooms,
    /// their clients and message rates, and a stored room's tree with each atom's value and time,
    /// updating as it runs, with its data at <c>prefix/api/rooms</c> and <c>prefix/api/rooms/{room}/tree</c>.
    /// It shows every room's data: put it behind the server's authorization, as the returned
    /// builder allows (<c>app.MapSyncletsDashboard().RequireAuthorization("admins")</c>).
    /// </summary>
    public static IEndpointConventionBuilder MapSyncletsDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/synclets")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/", SyncletsDashboard.PageAsync);
        group.MapGet("/api/rooms", SyncletsDashboard.RoomsAsync);
        group.MapGet("/api/rooms/{room}/tree", SyncletsDashboard.TreeAsync);
        return group;
    }

    /// <summary>
    /// Maps the WebSocket endpoint; the route's <c>{room}</c> value names the room (one room when the
    /// pattern has none). Returns the endpoint's builder, so <c>.RequireAuthorization(...)</c> works.
    /// Call <c>app.UseWebSockets()</c> before.
    /// </summary>
    public static IEndpointConventionBuilder MapSynclets(this IEndpointRouteBuilder endpoints, string pattern = "/sync/{room}")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // A RequestDelegate, not a lambda with parameters to bind: no reflection, so trimmed and native-AOT apps map it as is.
        return endpoints.Map(pattern, context =>
            context.RequestServices.GetRequiredService<SyncletsBroker>().HandleAsync(context, context.Request.RouteValues["room"] as string ?? string.Empty));
    }
}
