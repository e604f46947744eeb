using System.Diagnostics;

namespace Synclets;

/// <summary>
/// The trace a synclet writes (System.Diagnostics.Activity, on <see cref="SyncletsTelemetry.ActivitySource"/>):
/// one <c>synclets.message.receive</c> activity per received message, from its parse through the
/// unit of work that applies it, the reply and what is relayed on, to the commit. Nothing is
/// made when no listener samples the source.
/// </summary>
internal static class SyncletTracing
{
    public const string ReceiveActivity = "synclets.message.receive";

    private static readonly ActivitySource Source = new(SyncletsTelemetry.ActivitySource);

    /// <summary>
    /// Starts the activity of a received message, or returns null when nobody listens: a child of
    /// <paramref name="parent"/>, the activity that delivered its last packet (a server's routing of
    /// it), when there was one; the work loop runs it later, outside that activity.
    /// </summary>
    public static Activity? StartReceive(string syncletId, string from, long characters, ActivityContext parent)
    {
        var activity = Source.StartActivity(ReceiveActivity, ActivityKind.Consumer, parent);
        activity?.SetTag("synclets.synclet.id", syncletId)
            .SetTag("synclets.peer.id", from)
            .SetTag("messaging.message.body.size", characters);
        return activity;
    }

    /// <summary>Marks the activity of a message that was not applied, with why.</summary>
    public static void Dropped(Activity? activity, string reason, string description)
    {
        activity?.SetTag("synclets.reason", reason).SetStatus(ActivityStatusCode.Error, description);
    }
}
