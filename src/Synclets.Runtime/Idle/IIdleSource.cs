namespace Synclets;

/// <summary>Something that can be busy and says when it is idle: a synclet, a transport pool.</summary>
public interface IIdleSource
{
    /// <summary>True when no work is queued or running here.</summary>
    bool IsIdle { get; }

    /// <summary>Grows by one every time work arrives; lets <see cref="Quiescence"/> notice work moving between sources.</summary>
    long Generation { get; }

    /// <summary>Completes when this source is next idle (at once if it is idle now).</summary>
    Task WhenIdleAsync(CancellationToken cancellationToken = default);
}
