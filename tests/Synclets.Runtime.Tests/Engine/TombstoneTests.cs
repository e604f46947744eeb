using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Synclets.Connectors;

namespace Synclets.Tests.Engine;

/// <summary>Tombstone collection as an app sets it up: the policy's schedule, its metric, and the errors that say what is wrong.</summary>
public sealed class TombstoneTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_policy_collects_at_start_and_then_every_interval()
    {
        long collected = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Name == "synclets.tombstones.collected")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref collected, value));
        listener.Start();

        var options = new SyncletOptions { TimeProvider = _clock, KeepTombstonesFor = TimeSpan.FromDays(30), TombstoneCollectionInterval = TimeSpan.FromHours(1) };
        await using var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), options);
        await synclet.SetAtomAsync(["old", "title"], "gone a while");
        await synclet.DeleteAtomAsync(["old", "title"]);
        _clock.Advance(TimeSpan.FromDays(31));
        await synclet.SetAtomAsync(["new", "title"], "gone lately");
        await synclet.DeleteAtomAsync(["new", "title"]);

        await synclet.StartAsync(); // Collects before it handles anything.
        Assert.Equal(string.Empty, await synclet.GetTimestampAsync(["old", "title"]));
        Assert.NotEqual(string.Empty, await synclet.GetTimestampAsync(["new", "title"]));

        _clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromHours(1)); // The timer fires each hour; the last firings find the second one old enough.
        await synclet.WhenIdleAsync();
        Assert.Equal(string.Empty, await synclet.GetTimestampAsync(["new", "title"]));
        listener.RecordObservableInstruments();
        Assert.True(Interlocked.Read(ref collected) >= 2, $"synclets.tombstones.collected counted {collected}");
    }

    [Fact]
    public async Task A_new_replica_that_collects_still_takes_every_old_row_it_is_sent()
    {
        // A server's rows from long ago, and a phone set to forget deletions after 30 days that
        // joins now: it forgot no deletion, so it keeps no horizon and refuses nothing.
        var pool = new global::Synclets.Transports.MemoryPool();
        await using var server = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "server", TimeProvider = _clock });
        await server.SetAtomAsync(["old", "title"], "written a year ago");
        _clock.Advance(TimeSpan.FromDays(365));
        await using var phone = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "phone", TimeProvider = _clock, KeepTombstonesFor = TimeSpan.FromDays(30) });
        await server.StartAsync();
        await phone.StartAsync();
        await phone.WhenSyncedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal("written a year ago", (await phone.GetAtomAsync(["old", "title"])).AsString());
    }

    [Fact]
    public async Task A_horizon_in_the_future_is_refused_with_the_reason()
    {
        await using var synclet = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1), new SyncletOptions { TimeProvider = _clock });
        var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => synclet.CollectTombstonesAsync(_clock.GetUtcNow().AddMinutes(1)));
        Assert.Contains("cannot be in the future", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_meta_connector_that_cannot_forget_says_so()
    {
        var meta = new TimestampsOnly(new MemoryMetaConnector(1));
        await using var synclet = new Synclet(new MemoryDataConnector(1), meta);
        var collect = await Assert.ThrowsAsync<NotSupportedException>(() => synclet.CollectTombstonesAsync(DateTimeOffset.UtcNow));
        Assert.Contains("TimestampsOnly", collect.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ITombstoneCollector), collect.Message, StringComparison.Ordinal);

        var policy = Assert.Throws<ArgumentException>(() => new Synclet(new MemoryDataConnector(1), meta, new SyncletOptions { KeepTombstonesFor = TimeSpan.FromDays(1) }));
        Assert.Contains("KeepTombstonesFor", policy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejoining_needs_a_started_synclet()
    {
        await using var synclet = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => synclet.RejoinAsync(DateTimeOffset.UtcNow));
    }

    /// <summary>A meta connector with only the required methods, as a third party might write one.</summary>
    private sealed class TimestampsOnly(MemoryMetaConnector inner) : IMetaConnector
    {
        public int Depth => inner.Depth;

        public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => inner.GetTimestampAsync(address, cancellationToken);

        public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default) => inner.SetTimestampAsync(address, timestamp, cancellationToken);

        public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => inner.GetChildIdsAsync(address, cancellationToken);
    }
}
