namespace Synclets.Connectors;

/// <summary>
/// Where a synclet keeps the timestamp of every atom address ever written, deletions included.
/// Implement these three methods; the optional <see cref="IBulkMetaReader"/> and
/// <see cref="IStoredHashes"/> make large trees fast.
/// </summary>
/// <remarks>Called from the synclet's one work loop, one call at a time. Addresses may be reused buffers.</remarks>
public interface IMetaConnector
{
    /// <summary>The depth of the tree this connector stores.</summary>
    int Depth { get; }

    /// <summary>The timestamp at an atom address, or <see cref="Timestamp.None"/> (empty) when it was never written.</summary>
    ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default);

    /// <summary>Stores the timestamp at an atom address.</summary>
    ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default);

    /// <summary>The ids of the children under a parent address that have timestamps below them.</summary>
    /// <remarks>The result may be a live view; the engine enumerates it before its next write.</remarks>
    ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default);
}
