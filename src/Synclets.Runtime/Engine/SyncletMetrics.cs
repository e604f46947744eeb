using System.Diagnostics.Metrics;

namespace Synclets;

/// <summary>
/// A synclet's instruments (System.Diagnostics.Metrics), named as OpenTelemetry's conventions
/// would have them, on the meter <see cref="SyncletsTelemetry.SyncletMeter"/>: from the synclet's
/// <see cref="SyncletOptions.MeterFactory"/> when it has one (the host's, in ASP.NET Core), else
/// from one meter shared by every synclet in the process. An instrument nobody listens to costs a
/// check per measurement.
/// </summary>
internal sealed class SyncletMetrics
{
    private static readonly Meter SharedMeter = new(SyncletsTelemetry.SyncletMeter);

    /// <summary>The instruments of synclets that were given no meter factory.</summary>
    public static SyncletMetrics Shared { get; } = new(SharedMeter);

    /// <summary>
    /// OpenTelemetry's recommended boundaries for a duration in seconds (its HTTP conventions'):
    /// without them an exporter buckets seconds at 0, 5, 10, 25... as if they were milliseconds.
    /// </summary>
    private static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    private SyncletMetrics(Meter meter)
    {
        MessagesSent = meter.CreateCounter<long>("synclets.messages.sent", "{message}", "Messages sent, once per transport a message went out on.");
        BytesSent = meter.CreateCounter<long>("synclets.messages.sent.size", "By", "UTF-8 bytes of the message texts sent, before fragmenting.");
        MessagesReceived = meter.CreateCounter<long>("synclets.messages.received", "{message}", "Whole messages received, valid or not.");
        BytesReceived = meter.CreateCounter<long>("synclets.messages.received.size", "By", "UTF-8 bytes of the message texts received.");
        MessagesDropped = meter.CreateCounter<long>("synclets.messages.dropped", "{message}", "Received messages not applied, by synclets.reason: invalid, depth, refused (the CanReceiveMessage hook), failed (the store failed; a later sync retries).");
        AtomsWritten = meter.CreateCounter<long>("synclets.atoms.written", "{atom}", "Atoms written to the store, by synclets.origin: local (this replica's changes) or peer (applied from a message).");
        AtomsRefused = meter.CreateCounter<long>("synclets.atoms.refused", "{atom}", "Received atoms refused, by synclets.reason: hooks, too_far_ahead (the clock-drift bound), unstorable (the store cannot keep them), before_horizon (unknown here and stamped before the tombstone horizon).");
        QueuedMessages = meter.CreateUpDownCounter<long>("synclets.messages.queued", "{message}", "Received messages waiting to be applied: the receive queues' depth.");
        QueuedBytes = meter.CreateUpDownCounter<long>("synclets.messages.queued.size", "By", "Bytes of message text waiting to be applied (two a UTF-16 unit, as held in memory).");
        Resyncs = meter.CreateCounter<long>("synclets.resyncs", "{resync}", "Full syncs a transport asked for after it reconnected (a WebSocket client's reconnects).");
        TombstonesCollected = meter.CreateCounter<long>("synclets.tombstones.collected", "{atom}", "Deleted atoms whose timestamps were collected (older than the tombstone horizon).");
        ApplyDuration = meter.CreateHistogram<double>("synclets.message.apply.duration", "s", "Time to apply one received message and commit it, its reply sent.", tags: null, advice: DurationBuckets);
    }

    public Counter<long> MessagesSent { get; }

    public Counter<long> BytesSent { get; }

    public Counter<long> MessagesReceived { get; }

    public Counter<long> BytesReceived { get; }

    public Counter<long> MessagesDropped { get; }

    public Counter<long> AtomsWritten { get; }

    public Counter<long> AtomsRefused { get; }

    public Histogram<double> ApplyDuration { get; }

    public UpDownCounter<long> QueuedMessages { get; }

    public UpDownCounter<long> QueuedBytes { get; }

    public Counter<long> Resyncs { get; }

    public Counter<long> TombstonesCollected { get; }

    public void Queued(int messages, long bytes)
    {
        QueuedMessages.Add(messages);
        QueuedBytes.Add(bytes);
    }

    /// <summary>The instruments for a synclet with <paramref name="factory"/> (shared ones when null).</summary>
    public static SyncletMetrics For(IMeterFactory? factory) => factory is null ? Shared : new(factory.Create(SyncletsTelemetry.SyncletMeter));

    /// <summary>Counts a dropped message with its reason.</summary>
    public void Dropped(string reason) => MessagesDropped.Add(1, new KeyValuePair<string, object?>("synclets.reason", reason));

    /// <summary>Counts a written atom with where it came from.</summary>
    public void Written(bool local) => AtomsWritten.Add(1, new KeyValuePair<string, object?>("synclets.origin", local ? "local" : "peer"));

    /// <summary>Counts a refused atom with why.</summary>
    public void Refused(RefusalKind kind) => AtomsRefused.Add(1, new KeyValuePair<string, object?>("synclets.reason", kind switch
    {
        RefusalKind.ByHooks => "hooks",
        RefusalKind.TooFarAhead => "too_far_ahead",
        RefusalKind.BeforeHorizon => "before_horizon",
        _ => "unstorable",
    }));
}
