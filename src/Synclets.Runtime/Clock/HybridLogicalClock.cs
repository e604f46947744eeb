namespace Synclets;

/// <summary>
/// The hybrid logical clock of one synclet: every local event gets a timestamp greater than every
/// timestamp this synclet has made or seen, close to the wall clock when clocks agree.
/// </summary>
/// <remarks>Not thread-safe: a synclet uses it from its single work loop.</remarks>
public sealed class HybridLogicalClock
{
    private readonly TimeProvider _time;
    private long _lastTime;
    private int _counter = -1;

    /// <summary>Creates a clock for the synclet named <paramref name="syncletId"/>.</summary>
    public HybridLogicalClock(string syncletId, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(syncletId);
        ClientId = (int)(Fnv1a.Hash(syncletId) & 0x3FFFFFFF);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The low 30 bits of the FNV-1a hash of the synclet id, the last part of every timestamp.</summary>
    public int ClientId { get; }

    /// <summary>Stamps a new local event.</summary>
    public string Next()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now > _lastTime)
        {
            _lastTime = now;
            _counter = 0;
        }
        else
        {
            _counter++;
            if (_counter > Timestamp.MaxCounter)
            {
                // More than 16 million events in one millisecond: borrow the next millisecond.
                _lastTime++;
                _counter = 0;
            }
        }

        return Timestamp.Encode(_lastTime, _counter, ClientId);
    }

    /// <summary>Lets the clock see a timestamp received from a peer, so the next local event is later.</summary>
    /// <returns>False (and no change) when <paramref name="remote"/> is not a valid timestamp.</returns>
    public bool Seen(string remote)
    {
        if (!Timestamp.TryDecode(remote, out var remoteTime, out var remoteCounter))
        {
            return false;
        }

        // The hybrid clock's receive rule takes max(last, remote, now); the wall clock is left out
        // here because Next reads it anyway, and the next timestamp comes out the same: when now
        // is ahead of both, the rule would store (now, -1), and Next then stamps (now', 0) for a
        // now' >= now, exactly what it stamps from the stored max of the other two. A million
        // received atoms no longer read the wall clock a million times.
        var time = Math.Max(_lastTime, remoteTime);
        _counter = (time == _lastTime, time == remoteTime) switch
        {
            (true, true) => Math.Max(_counter, remoteCounter),
            (true, false) => _counter,
            _ => remoteCounter,
        };
        _lastTime = time;
        return true;
    }
}
