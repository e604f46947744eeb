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

    /// <summary>Authorization, filtering, context and observers.</summary>
    public SyncletHooks Hooks { get; init; } = SyncletHooks.AllowAll;

    /// <summary>
    /// How many nodes one outgoing message holds at most before a big reply streams on in another
    /// (partial) message, so neither side builds one giant message.
    /// </summary>
    public int MaxNodesPerMessage { get; init; } = 2048;
}
