using Microsoft.Extensions.Logging;

namespace Synclets;

/// <summary>How a <see cref="Synclet"/> is set up, beyond its connectors and transports.</summary>
public sealed class SyncletOptions
{
    /// <summary>This synclet's id among its peers; a random one when null. Also seeds the clock's client id.</summary>
    public string? Id { get; init; }

    /// <summary>The wall clock behind the hybrid logical clock; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where logs go; nowhere when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Where the synclet's meter comes from (see <see cref="SyncletsTelemetry"/>): the host's
    /// <c>IMeterFactory</c> in an app with dependency injection; a meter shared by every synclet in
    /// the process when null.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }

    /// <summary>Authorization, filtering, context and observers.</summary>
    public SyncletHooks Hooks { get; init; } = SyncletHooks.AllowAll;

    /// <summary>
    /// Whether this synclet takes part in the change feed when its meta connector keeps a change
    /// log (<see cref="Connectors.IChangeLog"/>; docs/concepts.md, "Reconnects that cost what
    /// changed"): a reconnect then moves what changed, and a first sync resumes where it was cut.
    /// True by default; false makes it a plain protocol version 1 peer, as a JavaScript peer is.
    /// </summary>
    public bool ChangeFeed { get; init; } = true;

    /// <summary>
    /// How many nodes one outgoing message holds at most before a big reply streams on in another
    /// (partial) message, so neither side builds one giant message.
    /// </summary>
    public int MaxNodesPerMessage { get; init; } = 2048;

    /// <summary>
    /// How much received message text (in bytes, two a UTF-16 unit) may wait in the queue before
    /// a carrier that can pause (a server reading a client's socket, through
    /// <see cref="Transports.Transport.WhenReceiverReadyAsync"/>) stops reading until half of it is
    /// handled. Local changes and reads are never held back. 8 MB by default: about 50 messages
    /// of an initial sync, or tens of thousands of single changes.
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// How far ahead of this machine's wall clock a timestamp may be: a received atom stamped
    /// further ahead is refused (and logged), and the clock never moves past it, so one peer with
    /// a wrong clock (or a hostile one) cannot drag every clock into the future. One hour by
    /// default; an atom refused for it syncs later, once it is within the bound.
    /// </summary>
    public TimeSpan MaxClockDrift { get; init; } = HybridLogicalClock.DefaultMaxDrift;

    /// <summary>
    /// How long <see cref="Synclet.WhenStoredAsync"/> and <see cref="Synclet.WhenSyncedAsync"/>
    /// wait for a peer's acknowledgement before they ask again (the request or its answer may
    /// have been lost with a dropped connection). Two seconds by default.
    /// </summary>
    public TimeSpan AcknowledgementRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long deletions are remembered; forever when null (the default). When set, the synclet
    /// collects the tombstones stamped longer ago than this when it starts and then every
    /// <see cref="TombstoneCollectionInterval"/>, and refuses writes of atoms it does not know that
    /// are stamped before the horizon (a replica away longer than this must rejoin: see
    /// <see cref="Synclet.RejoinAsync"/>). Choose it longer than any replica stays offline: 30 days,
    /// say. The meta connector must implement <see cref="Connectors.ITombstoneCollector"/> (all of
    /// this library's do).
    /// </summary>
    public TimeSpan? KeepTombstonesFor { get; init; }

    /// <summary>How often tombstones are collected when <see cref="KeepTombstonesFor"/> is set; one hour by default.</summary>
    public TimeSpan TombstoneCollectionInterval { get; init; } = TimeSpan.FromHours(1);
}
