namespace Synclets;

/// <summary>
/// The names Synclets measures and traces under (System.Diagnostics.Metrics and
/// System.Diagnostics.Activity), for a listener or an exporter to subscribe to: with the
/// OpenTelemetry SDK, <c>.AddMeter(SyncletsTelemetry.SyncletMeter, SyncletsTelemetry.ServerMeter)</c>
/// and <c>.AddSource(SyncletsTelemetry.ActivitySource)</c>. docs/operations.md lists every instrument.
/// </summary>
public static class SyncletsTelemetry
{
    /// <summary>Every synclet's instruments: messages and bytes in and out, atoms written and refused, messages dropped, apply time.</summary>
    public const string SyncletMeter = "Synclets";

    /// <summary>The ASP.NET Core server's instruments: connections, rooms, packets routed and dropped.</summary>
    public const string ServerMeter = "Synclets.Server";

    /// <summary>The activity source of a trace per received message, through its apply, reply and relay (<c>synclets.message.receive</c>).</summary>
    public const string ActivitySource = "Synclets";
}
