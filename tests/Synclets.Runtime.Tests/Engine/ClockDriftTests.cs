using Microsoft.Extensions.Time.Testing;
using Synclets.Connectors;
using Synclets.Tests.Support;

namespace Synclets.Tests.Engine;

/// <summary>A timestamp from the future (a wrong clock, or a hostile peer) cannot drag a synclet's clock there, nor stop it writing.</summary>
public class ClockDriftTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> FutureStamps() => new()
    {
        { "zzzzzzzzzzzzzzzz", "the largest timestamp there is" },
        { Timestamp.Encode(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), 0, 7), "the year 2100" },
        { Timestamp.Encode(Now.AddHours(2).ToUnixTimeMilliseconds(), 0, 7), "two hours ahead" },
    };

    [Theory]
    [MemberData(nameof(FutureStamps))]
    public async Task An_atom_stamped_beyond_the_drift_bound_is_refused_and_logged_and_writes_go_on(string stamp, string what)
    {
        var (synclet, transport, logs) = await StartAsync();
        transport.InjectMessage("peer", $"[1,0,2,[\"a\"],[{{\"b\":[\"{stamp}\",\"future\"],\"c\":[\"OhqqeV-----BT7zq\",\"fine\"]}}],{{}}]");
        await synclet.WhenIdleAsync();

        Assert.Equal("""{"a":{"c":"fine"}}""", (await synclet.GetDataAsync()).ToJsonString());
        Assert.Contains(logs.Warnings, w => w.Contains("refused 1 atom(s) from peer stamped too far in the future", StringComparison.Ordinal) && w.Contains(stamp, StringComparison.Ordinal));

        // Its own clock did not move there: a new write is stamped now, and it never throws.
        var written = await synclet.SetAtomAsync(["a", "b"], "mine");
        Assert.True(Timestamp.TryDecode(written, out var time, out _));
        Assert.Equal(Now.ToUnixTimeMilliseconds(), time);
        Assert.Equal("""{"a":{"b":"mine","c":"fine"}}""", (await synclet.GetDataAsync()).ToJsonString());
        Assert.NotNull(what);
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task A_stamp_within_the_bound_is_taken_and_the_clock_follows_it()
    {
        var (synclet, transport, _) = await StartAsync();
        var ahead = Timestamp.Encode(Now.AddMinutes(30).ToUnixTimeMilliseconds(), 0, 7);
        transport.InjectMessage("peer", $"[1,0,2,[\"a\",\"b\"],[\"{ahead}\",\"soon\"],{{}}]");
        await synclet.WhenIdleAsync();

        Assert.Equal("""{"a":{"b":"soon"}}""", (await synclet.GetDataAsync()).ToJsonString());
        Assert.True(string.CompareOrdinal(await synclet.SetAtomAsync(["a", "b"], "later"), ahead) > 0);
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task The_drift_bound_is_an_option()
    {
        var (synclet, transport, _) = await StartAsync(TimeSpan.FromDays(400));
        var nextYear = Timestamp.Encode(Now.AddDays(365).ToUnixTimeMilliseconds(), 0, 7);
        transport.InjectMessage("peer", $"[1,0,2,[\"a\",\"b\"],[\"{nextYear}\",\"accepted\"],{{}}]");
        await synclet.WhenIdleAsync();
        Assert.Equal("""{"a":{"b":"accepted"}}""", (await synclet.GetDataAsync()).ToJsonString());
        await synclet.DisposeAsync();
    }

    [Fact]
    public async Task A_timestamp_only_from_the_future_is_not_asked_for()
    {
        var (synclet, transport, _) = await StartAsync();
        transport.InjectMessage("peer", "[1,0,2,[\"a\",\"b\"],\"zzzzzzzzzzzzzzzz\",{}]");
        await synclet.WhenIdleAsync();
        Assert.DoesNotContain(transport.SentMessages, m => m.Contains("[\"a\",\"b\"]", StringComparison.Ordinal));
        await synclet.DisposeAsync();
    }

    [Fact]
    public void A_clock_at_the_end_of_time_stamps_without_throwing()
    {
        var clock = new HybridLogicalClock("local", new FakeTimeProvider(Now));
        Assert.True(clock.StartAfter("zzzzzzzzzzzzzzzz"));
        var first = clock.Next();
        var second = clock.Next();
        Assert.True(Timestamp.TryDecode(second, out var time, out var counter));
        Assert.Equal(Timestamp.MaxTime, time);
        Assert.Equal(Timestamp.MaxCounter, counter);
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_clock_does_not_see_what_is_beyond_its_bound()
    {
        var clock = new HybridLogicalClock("local", new FakeTimeProvider(Now), TimeSpan.FromMinutes(5));
        Assert.False(clock.Seen(Timestamp.Encode(Now.AddMinutes(6).ToUnixTimeMilliseconds(), 0, 1)));
        Assert.True(clock.Seen(Timestamp.Encode(Now.AddMinutes(4).ToUnixTimeMilliseconds(), 0, 1)));
        Assert.True(clock.IsTooFarAhead("zzzzzzzzzzzzzzzz"));
        Assert.False(clock.IsTooFarAhead("not a timestamp"));
    }

    [Fact]
    public async Task A_restarted_synclet_stamps_after_the_newest_timestamp_in_its_store()
    {
        // Its clock was a day ahead when it wrote; corrected, it restarts and writes again: the new write must win.
        var data = new MemoryDataConnector(2);
        var meta = new MemoryMetaConnector(2);
        var ahead = new FakeTimeProvider(Now.AddDays(1));
        await using (var before = new Synclet(data, meta, new SyncletOptions { Id = "phone", TimeProvider = ahead }))
        {
            await before.SetAtomAsync(["note", "text"], "written with the clock a day ahead");
        }

        var logs = new TestLoggerFactory();
        await using var after = new Synclet(data, meta, new SyncletOptions { Id = "phone", TimeProvider = new FakeTimeProvider(Now), LoggerFactory = logs });
        var old = await after.GetTimestampAsync(["note", "text"]);
        var fresh = await after.SetAtomAsync(["note", "text"], "written after the fix");

        Assert.True(string.CompareOrdinal(fresh, old) > 0);
        Assert.Equal("written after the fix", (await after.GetAtomAsync(["note", "text"])).AsString());
        Assert.Contains(logs.Warnings, w => w.Contains("beyond now plus the", StringComparison.Ordinal));
    }

    private static async Task<(Synclet Synclet, ScriptedTransport Transport, TestLoggerFactory Logs)> StartAsync(TimeSpan? maxDrift = null)
    {
        var logs = new TestLoggerFactory();
        var transport = new ScriptedTransport();
        var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), transport, new SyncletOptions
        {
            Id = "me",
            LoggerFactory = logs,
            TimeProvider = new FakeTimeProvider(Now),
            MaxClockDrift = maxDrift ?? HybridLogicalClock.DefaultMaxDrift,
        });
        await synclet.StartAsync();
        return (synclet, transport, logs);
    }
}
