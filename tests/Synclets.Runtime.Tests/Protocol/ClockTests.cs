using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Synclets.Tests.Protocol;

public class ClockTests
{
    private static readonly DateTimeOffset NewYear2026 = DateTimeOffset.FromUnixTimeMilliseconds(1767225600000);

    [Fact]
    public void Stamps_match_the_protocol_vectors()
    {
        var time = new FakeTimeProvider(NewYear2026);
        var synclet1 = new HybridLogicalClock("synclet1", time);
        Assert.Equal("OhqqeV-----BT7zq", synclet1.Next());
        Assert.Equal("OhqqeV----0BT7zq", synclet1.Next());

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("OhqqeV0----AT7tY", new HybridLogicalClock("synclet2", time).Next());
    }

    [Fact]
    public void Timestamps_decode_to_their_parts()
    {
        Assert.True(Timestamp.TryDecode("OhqqeV----0BT7zq", out var time, out var counter));
        Assert.Equal(1767225600000, time);
        Assert.Equal(1, counter);
        Assert.False(Timestamp.IsValid("OhqqeV----0BT7z"));
        Assert.False(Timestamp.IsValid("OhqqeV----0BT7z!"));
    }

    [Fact]
    public void A_clock_behind_a_remote_timestamp_stamps_after_it()
    {
        var time = new FakeTimeProvider(NewYear2026);
        var ahead = new HybridLogicalClock("ahead", new FakeTimeProvider(NewYear2026.AddSeconds(5)));
        var remote = ahead.Next();
        var local = new HybridLogicalClock("local", time);

        Assert.True(local.Seen(remote));
        var next = local.Next();

        Assert.True(string.CompareOrdinal(next, remote) > 0);
        Timestamp.TryDecode(next, out var nextTime, out var nextCounter);
        Assert.Equal(NewYear2026.AddSeconds(5).ToUnixTimeMilliseconds(), nextTime);
        Assert.Equal(1, nextCounter);
    }

    [Fact]
    public void Seeing_an_older_timestamp_keeps_the_counter()
    {
        var time = new FakeTimeProvider(NewYear2026);
        var clock = new HybridLogicalClock("local", time);
        clock.Next();
        clock.Next();
        clock.Seen(Timestamp.Encode(NewYear2026.ToUnixTimeMilliseconds() - 10, 7, 1));
        Assert.True(Timestamp.TryDecode(clock.Next(), out _, out var counter));
        Assert.Equal(2, counter);
    }

    [Fact]
    public void Seeing_the_same_millisecond_takes_the_larger_counter()
    {
        var time = new FakeTimeProvider(NewYear2026);
        var clock = new HybridLogicalClock("local", time);
        clock.Next();
        clock.Seen(Timestamp.Encode(NewYear2026.ToUnixTimeMilliseconds(), 41, 1));
        Assert.True(Timestamp.TryDecode(clock.Next(), out _, out var counter));
        Assert.Equal(42, counter);
    }

    [Fact]
    public void A_newer_wall_clock_restarts_the_counter()
    {
        var time = new FakeTimeProvider(NewYear2026);
        var clock = new HybridLogicalClock("local", time);
        clock.Seen(Timestamp.Encode(NewYear2026.ToUnixTimeMilliseconds() - 1, 9, 1));
        Assert.True(Timestamp.TryDecode(clock.Next(), out _, out var counter));
        Assert.Equal(0, counter);
    }

    [Fact]
    public void An_invalid_remote_timestamp_is_ignored() =>
        Assert.False(new HybridLogicalClock("x").Seen("not a timestamp"));

    [Fact]
    public void Seen_stamps_as_the_reference_rule_does_without_reading_the_wall_clock() =>
        Gen.Select(Gen.Int[0, 2], Gen.Int[-3, 3], Gen.Int[0, 40], Gen.Bool).Array[1, 80].Sample(steps =>
        {
            var time = new FakeTimeProvider(NewYear2026);
            var clock = new HybridLogicalClock("local", time);
            var reference = new ReferenceClock(clock.ClientId, time);
            foreach (var (advance, offset, counter, see) in steps)
            {
                time.Advance(TimeSpan.FromMilliseconds(advance));
                if (see)
                {
                    var remote = Timestamp.Encode(time.GetUtcNow().ToUnixTimeMilliseconds() + offset, counter, 1);
                    clock.Seen(remote);
                    reference.Seen(remote);
                }
                else
                {
                    Assert.Equal(reference.Next(), clock.Next());
                }
            }
        });

    /// <summary>The hybrid logical clock's textbook receive rule, max(last, remote, now), as the JavaScript reference has it.</summary>
    private sealed class ReferenceClock(int clientId, TimeProvider time)
    {
        private long _lastTime;
        private int _counter = -1;

        public string Next()
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            (_lastTime, _counter) = now > _lastTime ? (now, 0) : (_lastTime, _counter + 1);
            return Timestamp.Encode(_lastTime, _counter, clientId);
        }

        public void Seen(string remote)
        {
            Timestamp.TryDecode(remote, out var remoteTime, out var remoteCounter);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var max = Math.Max(Math.Max(_lastTime, remoteTime), now);
            _counter = (max == _lastTime, max == remoteTime) switch
            {
                (true, true) => Math.Max(_counter, remoteCounter),
                (true, false) => _counter,
                (false, true) => remoteCounter,
                _ => -1,
            };
            _lastTime = max;
        }
    }
}
