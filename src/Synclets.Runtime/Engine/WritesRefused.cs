namespace Synclets;

/// <summary>A peer (a server's store, say) acknowledged our messages but refused some of the writes in them.</summary>
/// <param name="peer">The peer that refused them.</param>
/// <param name="count">How many atoms it refused since its previous acknowledgement.</param>
/// <param name="reason">Why it refused the first (its hooks, a timestamp too far ahead, its storage), when it said.</param>
public sealed class WritesRefusedEventArgs(string peer, int count, string? reason) : EventArgs
{
    /// <summary>Creates the arguments for refusals some of which were for the peer's tombstone horizon.</summary>
    /// <param name="peer">The peer that refused them.</param>
    /// <param name="count">How many atoms it refused since its previous acknowledgement.</param>
    /// <param name="reason">Why it refused the first, when it said.</param>
    /// <param name="horizon">The peer's tombstone horizon, when some were refused for it.</param>
    public WritesRefusedEventArgs(string peer, int count, string? reason, DateTimeOffset? horizon)
        : this(peer, count, reason) => Horizon = horizon;

    /// <summary>The peer that refused the writes.</summary>
    public string Peer { get; } = peer;

    /// <summary>How many atoms it refused since its previous acknowledgement.</summary>
    public int Count { get; } = count;

    /// <summary>Why it refused the first, when it said.</summary>
    public string? Reason { get; } = reason;

    /// <summary>
    /// Set when some of the writes were of atoms the peer does not have, stamped before its
    /// tombstone horizon: this replica was away longer than the peer remembers deletions, so they
    /// may be rows deleted there. Call <see cref="Synclet.RejoinAsync"/> with it (docs/concepts.md,
    /// "Tombstones"). Null for every other refusal.
    /// </summary>
    public DateTimeOffset? Horizon { get; }
}

/// <summary>
/// Thrown by <see cref="Synclet.WhenStoredAsync"/> and <see cref="Synclet.WhenSyncedAsync"/> when
/// the peer that acknowledged refused some of our writes: they are kept here, and not there, so
/// the replicas differ until the rules or the data change.
/// </summary>
public sealed class WritesRefusedException : Exception
{
    /// <summary>Creates the exception for what <paramref name="refused"/> says.</summary>
    public WritesRefusedException(WritesRefusedEventArgs refused)
        : base(Describe(refused))
    {
        ArgumentNullException.ThrowIfNull(refused);
        Refused = refused;
    }

    /// <summary>Creates the exception with a message of your own.</summary>
    public WritesRefusedException()
        : this(new WritesRefusedEventArgs(string.Empty, 0, null))
    {
    }

    /// <summary>Creates the exception with a message of your own.</summary>
    public WritesRefusedException(string message)
        : base(message) => Refused = new WritesRefusedEventArgs(string.Empty, 0, message);

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public WritesRefusedException(string message, Exception innerException)
        : base(message, innerException) => Refused = new WritesRefusedEventArgs(string.Empty, 0, message);

    /// <summary>What the peer refused.</summary>
    public WritesRefusedEventArgs Refused { get; }

    private static string Describe(WritesRefusedEventArgs? refused)
    {
        var first = refused?.Reason is { } reason ? $"; the first: {reason}" : string.Empty;
        return refused?.Horizon is { } horizon
            ? $"The peer {refused.Peer} refused {refused.Count} write(s) of ours{first}. Some are of atoms it does not have, stamped before its tombstone horizon {horizon:o}: this replica was away longer than it keeps deletions. Call RejoinAsync({horizon:o}) (docs/concepts.md, \"Tombstones\")."
            : $"The peer {refused?.Peer} refused {refused?.Count} write(s) of ours{first}. They stay in this replica only; see the peer's log for its rules.";
    }
}
