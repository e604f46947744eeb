namespace Synclets;

/// <summary>
/// How far a change feed from one peer has come (see <see cref="Synclet.Progress"/>): the atoms
/// received and stored so far, and how many the peer said it would send.
/// </summary>
/// <param name="peer">The peer sending.</param>
/// <param name="received">Atoms received and stored so far in this feed.</param>
/// <param name="expected">Atoms the whole feed holds, as the peer counted them when it began.</param>
/// <param name="completed">True for the feed's last report: everything it held is stored.</param>
public sealed class SyncProgressEventArgs(string peer, long received, long expected, bool completed) : EventArgs
{
    /// <summary>The peer sending.</summary>
    public string Peer { get; } = peer;

    /// <summary>Atoms received and stored so far in this feed.</summary>
    public long Received { get; } = received;

    /// <summary>Atoms the whole feed holds, as the peer counted them when it began (at least <see cref="Received"/>).</summary>
    public long Expected { get; } = expected;

    /// <summary>True for the feed's last report: everything it held is stored.</summary>
    public bool Completed { get; } = completed;

    /// <summary>The share received, from 0 to 1 (1 for an empty feed).</summary>
    public double Fraction => Expected == 0 ? 1 : Math.Min(1, (double)Received / Expected);
}
