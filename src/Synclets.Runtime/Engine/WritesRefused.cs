namespace Synclets;

/// <summary>A peer (a server's store, say) acknowledged our messages but refused some of the writes in them.</summary>
/// <param name="peer">The peer that refused them.</param>
/// <param name="count">How many atoms it refused since its previous acknowledgement.</param>
/// <param name="reason">Why it refused the first (its hooks, a timestamp too far ahead, its storage), when it said.</param>
public sealed class WritesRefusedEventArgs(string peer, int count, string? reason) : EventArgs
{
    /// <summary>The peer that refused the writes.</summary>
    public string Peer { get; } = peer;

    /// <summary>How many atoms it refused since its previous acknowledgement.</summary>
    public int Count { get; } = count;

    /// <summary>Why it refused the first, when it said.</summary>
    public string? Reason { get; } = reason;
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
        : base($"The peer {refused?.Peer} refused {refused?.Count} write(s) of ours{(refused?.Reason is { } reason ? $"; the first: {reason}" : string.Empty)}. They stay in this replica only; see the peer's log for its rules.")
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
}
