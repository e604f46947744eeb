namespace Synclets.Orleans;

/// <summary>How the nodes of a Synclets cluster keep in touch with their rooms.</summary>
public sealed class SyncletsClusterOptions
{
    /// <summary>
    /// How often a node tells each of its rooms it is alive. A room drops a node it has not heard
    /// from for three of these (a node that died), and a node finds out within one that its room
    /// started again elsewhere, even when nobody writes. Five seconds by default.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
}
