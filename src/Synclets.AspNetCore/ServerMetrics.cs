using System.Diagnostics.Metrics;

namespace Synclets.AspNetCore;

/// <summary>
/// The server's instruments (System.Diagnostics.Metrics) on the meter <see cref="SyncletsTelemetry.ServerMeter"/>,
/// from the host's <see cref="IMeterFactory"/> (or a meter of their own without one). Stored
/// rooms' synclets measure on <see cref="SyncletsTelemetry.SyncletMeter"/> from the same factory.
/// </summary>
internal sealed class ServerMetrics
{
    public ServerMetrics(IMeterFactory? factory)
    {
        var meter = factory?.Create(SyncletsTelemetry.ServerMeter) ?? new Meter(SyncletsTelemetry.ServerMeter);
        Connections = meter.CreateUpDownCounter<long>("synclets.server.connections", "{connection}", "Client WebSockets open now.");
        Rooms = meter.CreateUpDownCounter<long>("synclets.server.rooms", "{room}", "Rooms open now (held by a connection, their store loaded).");
        PacketsRouted = meter.CreateCounter<long>("synclets.server.packets.routed", "{packet}", "Packets read from clients and routed in their room.");
        PacketsDropped = meter.CreateCounter<long>("synclets.server.packets.dropped", "{packet}", "Packets read from clients and not routed, by synclets.reason: malformed, too_large, refused (a read-only client's write, a forged sender).");
        ConnectionsDropped = meter.CreateCounter<long>("synclets.server.connections.dropped", "{connection}", "Connections the server ended, by synclets.reason: too_slow (its queue past the limits).");
    }

    public UpDownCounter<long> Connections { get; }

    public UpDownCounter<long> Rooms { get; }

    public Counter<long> PacketsRouted { get; }

    public Counter<long> PacketsDropped { get; }

    public Counter<long> ConnectionsDropped { get; }

    public void Dropped(string reason) => PacketsDropped.Add(1, new KeyValuePair<string, object?>("synclets.reason", reason));
}
