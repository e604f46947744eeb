namespace Synclets.AspNetCore.Tests;

/// <summary>The telemetry sample as a user runs it: a server and two clients, their metrics and traces through the OpenTelemetry SDK's console exporter.</summary>
public sealed class TelemetrySampleTests
{
    [Fact]
    public async Task The_sample_syncs_and_exports_the_synclet_and_server_metrics_and_the_receive_traces()
    {
        var text = await SampleProcess.RunAsync("Synclets.Samples.Telemetry");
        Assert.Contains("The phone holds 3 notes.", text, StringComparison.Ordinal);
        Assert.Contains("Health: Healthy", text, StringComparison.Ordinal);
        foreach (var instrument in new[] { "synclets.messages.sent", "synclets.atoms.written", "synclets.message.apply.duration", "synclets.server.connections", "synclets.server.rooms", "synclets.server.packets.routed" })
        {
            Assert.Contains($"Metric Name: {instrument},", text, StringComparison.Ordinal);
        }

        Assert.Contains("synclets.message.receive", text, StringComparison.Ordinal);

        // The Prometheus endpoint, as a scraper reads it.
        Assert.Contains("Scraped from /metrics:", text, StringComparison.Ordinal);
        Assert.Contains("  synclets_messages_sent", text, StringComparison.Ordinal);
        Assert.Contains("  synclets_server_connections", text, StringComparison.Ordinal);
        Assert.Contains("synclets_message_apply_duration_seconds_bucket{otel_scope_name=\"Synclets\",le=\"0.005\"}", text, StringComparison.Ordinal); // Buckets for seconds, not milliseconds.
    }
}
