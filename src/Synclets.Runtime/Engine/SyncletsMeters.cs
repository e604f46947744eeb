namespace Synclets;

/// <summary>
/// The names of the meters Synclets measures on (System.Diagnostics.Metrics), for a listener or an
/// exporter to subscribe to: <c>.AddMeter(SyncletsMeters.Synclet, SyncletsMeters.Server)</c> with
/// the OpenTelemetry SDK. docs/operations.md lists every instrument.
/// </summary>
public static class SyncletsMeters
{
    /// <summary>Every synclet's instruments: messages and bytes in and out, atoms written and refused, messages dropped, apply time.</summary>
    public const string Synclet = "Synclets";

    /// <summary>The ASP.NET Core server's instruments: connections, rooms, packets routed and dropped.</summary>
    public const string Server = "Synclets.Server";
}
