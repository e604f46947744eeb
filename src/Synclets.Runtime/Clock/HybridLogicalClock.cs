namespace Synclets;

/// <summary>
/// The hybrid logical clock of one synclet: every local event gets a timestamp greater than every
/// timestamp this synclet has made or seen, close to the wall clock when clocks agree.
/// </summary>
/// <remarks>
/// Not thread-safe: a synclet uses it from its single work loop. A timestamp further ahead of the
/// wall clock than <see cref="MaxDrift"/> is never taken in (<see cref="IsTooFarAhead"/>): one
/// peer with a clock in the year 2100, or a hostile one stamping the largest timestamp there is,
/// would otherwise drag every clock that syncs with it there, so that correct edits lose, or no
/// later timestamp can be made at all.
/// </remarks>
public sealed class HybridLogicalClock
{
    /// <summary>The default of <see cref="MaxDrift"/>: one hour.</summary>
    public static readonly TimeSpan DefaultMaxDrift = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;
    private readonly long _maxDriftMilliseconds;
    private long _horizon = long.MinValue; // Now plus the drift, as last read: the true one only grows.
    private long _lastTime;
    private int _counter = -1;

    /// <summary>Creates a clock for the synclet named <paramref name="syncletId"/>.</summary>
    public HybridLogicalClock(string syncletId, TimeProvider? timeProvider = null)
        : this(syncletId, timeProvider, DefaultMaxDrift)
    {
    }

    /// <summary>Creates a clock for the synclet named <paramref name="syncletId"/> that takes in no timestamp more than <paramref name="maxDrift"/> ahead of the wall clock.</summary>
    public HybridLogicalClock(string syncletId, TimeProvider? timeProvider, TimeSpan maxDrift)
    {
        ArgumentNullException.ThrowIfNull(syncletId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDrift, TimeSpan.Zero);
        ClientId = (int)(Fnv1a.Hash(syncletId) & 0x3FFFFFFF);
        _time = timeProvider ?? TimeProvider.System;
        MaxDrift = maxDrift;
        _maxDriftMilliseconds = (long)Math.Min(maxDrift.TotalMilliseconds, Timestamp.MaxTime);
    }

    /// <summary>How far ahead of this machine's wall clock a received (or stored) timestamp may be and still be taken in.</summary>
    public TimeSpan MaxDrift { get; }

    /// <summary>
    /// True when <paramref name="timestamp"/> is valid but more than <see cref="MaxDrift"/> ahead of
    /// the wall clock: the engine refuses the atom it stamps, and the clock does not see it.
    /// </summary>
    public bool IsTooFarAhead(string timestamp) => Timestamp.TryDecode(timestamp, out var time, out _) && IsBeyondHorizon(time);

    /// <summary>
    /// A time within the last horizon read is within the bound (the wall clock only moves on, so
    /// the bound only grows): the wall clock is read again only for a time beyond it, not for each
    /// of a million received atoms.
    /// </summary>
    private bool IsBeyondHorizon(long time)
    {
        if (time <= _horizon)
        {
            return false;
        }

        _horizon = _time.GetUtcNow().ToUnixTimeMilliseconds() + _maxDriftMilliseconds;
        return time > _horizon;
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
                if (_lastTime < Timestamp.MaxTime)
                {
                    _lastTime++;
                    _counter = 0;
                }
                else
                {
                    // The end of time (only reachable by a clock set there): stamp the largest
                    // timestamp again rather than throw; the write ties and loses, it never fails.
                    _counter = Timestamp.MaxCounter;
                }
            }
        }

        return Timestamp.Encode(_lastTime, _counter, ClientId);
    }

    /// <summary>Lets the clock see a timestamp received from a peer, so the next local event is later.</summary>
    /// <returns>False (and no change) when <paramref name="remote"/> is not a valid timestamp, or is too far ahead (<see cref="IsTooFarAhead"/>).</returns>
    public bool Seen(string remote)
    {
        if (!Timestamp.TryDecode(remote, out var remoteTime, out var remoteCounter) || IsBeyondHorizon(remoteTime))
        {
            return false;
        }

        Take(remoteTime, remoteCounter);
        return true;
    }

    /// <summary>
    /// Starts the clock after a timestamp of the synclet's own store (its newest), whatever the
    /// drift bound: the store is this replica's own history, and a write made now must come after
    /// every one it holds, even if this machine's clock was ahead when those were made (they then
    /// stay refused by peers until the wall clock reaches them, and are never lost).
    /// </summary>
    /// <returns>False (and no change) when <paramref name="stored"/> is not a valid timestamp.</returns>
    public bool StartAfter(string stored)
    {
        if (!Timestamp.TryDecode(stored, out var time, out var counter))
        {
            return false;
        }

        Take(time, counter);
        return true;
    }

    private void Take(long remoteTime, int remoteCounter)
    {
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
    }
}
