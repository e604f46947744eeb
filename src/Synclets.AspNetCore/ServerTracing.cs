using System.Diagnostics;

namespace Synclets.AspNetCore;

/// <summary>
/// The server's part of a trace (on <see cref="SyncletsTelemetry.ActivitySource"/>): one
/// <c>synclets.packet.route</c> activity per packet a client sends, from its decoding to its
/// delivery in the room. A stored room's synclet takes it as the parent of the
/// <c>synclets.message.receive</c> activity of the message the packet completes, so one trace runs
/// from the client's packet through the server's routing to the apply, the reply and the relay.
/// Nothing is made when no listener samples the source.
/// </summary>
internal static class ServerTracing
{
    public const string RouteActivity = "synclets.packet.route";

    private static readonly ActivitySource Source = new(SyncletsTelemetry.ActivitySource);

    /// <summary>Starts the activity of a packet from a connection, or returns null when nobody listens.</summary>
    public static Activity? StartRoute(string room, string connection, long bytes)
    {
        var activity = Source.StartActivity(RouteActivity, ActivityKind.Server);
        activity?.SetTag("synclets.room", room)
            .SetTag("synclets.connection.id", connection)
            .SetTag("messaging.message.body.size", bytes);
        return activity;
    }

    /// <summary>Marks the activity of a packet that was not routed, with why.</summary>
    public static void Dropped(Activity? activity, string reason) =>
        activity?.SetTag("synclets.reason", reason).SetStatus(ActivityStatusCode.Error, reason);
}
