namespace Synclets;

/// <summary>Where a synclet stands with its server, as a status bar would show it.</summary>
public enum SyncStatus
{
    /// <summary>Not started, or no transport is connected or trying: changes are kept locally.</summary>
    Offline,

    /// <summary>Trying to reach the server; changes are kept locally and sync once connected.</summary>
    Connecting,

    /// <summary>Connected, with changes not yet acknowledged as stored by a peer, or trees not yet the same.</summary>
    Syncing,

    /// <summary>A peer acknowledged everything we sent, and holds the same tree.</summary>
    InSync,
}
