using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>The instruments a synclet and the server measure on, read as an exporter would read them: with a MeterListener.</summary>
public sealed class MetricsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_synclet_counts_messages_bytes_atoms_refusals_drops_and_apply_time_on_its_factorys_meter()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var recorded = new RecordedMeasurements(factory, SyncletsTelemetry.SyncletMeter);
        var pool = new MemoryPool();
        await using var measured = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "measured", MeterFactory = factory, Hooks = new NoLockedRows() });
        await using var other = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "other" });
        await using var deeper = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "deeper" });
        await measured.StartAsync();
        await other.StartAsync();
        await deeper.StartAsync(); // Another depth: its messages are dropped, and it is told so.
        await measured.SetAtomAsync(["a", "x"], 1);
        await measured.SetAtomAsync(["a", "y"], 2);
        await other.SetAtomAsync(["b", "x"], 3);
        await other.SetAtomAsync(["locked", "x"], 4); // Refused by the measured synclet's hooks.
        await Quiescence.WaitAsync(measured, other, deeper, pool);

        // The other synclets measure on the process's shared meter, not on this factory's.
        Assert.Equal(measured.Statistics.MessagesSent, recorded.Sum("synclets.messages.sent"));
        Assert.Equal(measured.Statistics.BytesSent, recorded.Sum("synclets.messages.sent.size"));
        Assert.Equal(measured.Statistics.MessagesReceived, recorded.Sum("synclets.messages.received"));
        Assert.Equal(measured.Statistics.BytesReceived, recorded.Sum("synclets.messages.received.size"));
        Assert.Equal(2, recorded.Sum("synclets.atoms.written", "synclets.origin", "local"));
        Assert.Equal(1, recorded.Sum("synclets.atoms.written", "synclets.origin", "peer"));
        Assert.Equal(1, recorded.Sum("synclets.atoms.refused", "synclets.reason", "hooks"));
        Assert.True(recorded.Sum("synclets.messages.dropped", "synclets.reason", "depth") >= 1);
        Assert.True(recorded.Count("synclets.message.apply.duration") >= 1);
        Assert.Equal(recorded.Count("synclets.message.apply.duration"), measured.Statistics.MessagesReceived - recorded.Sum("synclets.messages.dropped"));
    }

    [Fact]
    public async Task A_synclets_receive_queue_depth_and_its_transports_reconnects_are_measured()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var recorded = new RecordedMeasurements(factory, SyncletsTelemetry.SyncletMeter);
        var port = Synclets.Tests.Support.FreePorts.Next();
        var first = await BrokerHost.StartAsync(stores: 2, port: port, shared: false);
        var transport = new WebSocketTransport(first.Room("metrics"), new WebSocketTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50) });
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), transport, new SyncletOptions { Id = "client", MeterFactory = factory });
        await client.StartAsync();
        await client.SetAtomAsync(["a", "x"], "stored");
        await client.WhenStoredAsync().WaitAsync(Patience);
        Assert.Equal(0, recorded.Sum("synclets.resyncs"));

        // The server restarts: the client reconnects once and asks for a resync.
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Reconnected += (_, _) => reconnected.TrySetResult();
        await first.DisposeAsync();
        await using var second = await BrokerHost.StartAsync(stores: 2, port: port, shared: false);
        await reconnected.Task.WaitAsync(Patience);
        await client.SetAtomAsync(["a", "y"], "stored again");
        await client.WhenStoredAsync().WaitAsync(Patience);
        await client.WhenIdleAsync();

        Assert.Equal(transport.Reconnections, recorded.Sum("synclets.resyncs"));
        Assert.True(transport.Reconnections >= 1);

        // Every received message joined the queue and left it: the depth is back to zero, in messages and in bytes.
        Assert.True(recorded.Count("synclets.messages.queued") >= 2 * client.Statistics.MessagesReceived);
        Assert.Equal(0, recorded.Sum("synclets.messages.queued"));
        Assert.Equal(0, recorded.Sum("synclets.messages.queued.size"));
    }

    [Fact]
    public async Task The_server_counts_connections_rooms_and_packets_on_the_hosts_meter_factory()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        using var recorded = new RecordedMeasurements(host.Services.GetRequiredService<IMeterFactory>(), SyncletsTelemetry.ServerMeter);
        using var stored = new RecordedMeasurements(host.Services.GetRequiredService<IMeterFactory>(), SyncletsTelemetry.SyncletMeter);
        await using (var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(host.Room("metrics")), new SyncletOptions { Id = "client" }))
        {
            await client.StartAsync();
            await client.SetAtomAsync(["a", "x"], "stored");
            await client.WhenStoredAsync().WaitAsync(Patience);
            Assert.Equal(1, recorded.Sum("synclets.server.connections"));
            Assert.Equal(1, recorded.Sum("synclets.server.rooms"));
            Assert.True(recorded.Sum("synclets.server.packets.routed") >= 2); // The hash at start, the change, the acknowledgement request.
            Assert.Equal(1, stored.Sum("synclets.atoms.written", "synclets.origin", "peer")); // The room's store synclet, on the host's factory.
        }

        // The client gone, its connection and then its room are released.
        await recorded.WhenAsync(() => recorded.Sum("synclets.server.connections") == 0 && recorded.Sum("synclets.server.rooms") == 0).WaitAsync(Patience);
        Assert.Equal(0, recorded.Sum("synclets.server.packets.dropped"));
    }

    private sealed class NoLockedRows : SyncletHooks
    {
        public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult(address[0] != "locked");
    }

    /// <summary>Every measurement of one meter from one factory, summed per instrument and per tag value; a wait that is checked again at each.</summary>
    private sealed class RecordedMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, double> _sums = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<TaskCompletionSource, Func<bool>> _waits = new();

        public RecordedMeasurements(IMeterFactory factory, string meterName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == meterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public long Sum(string instrument) => (long)_sums.GetValueOrDefault(instrument);

        public long Sum(string instrument, string tag, string value) => (long)_sums.GetValueOrDefault($"{instrument} {tag}={value}");

        public int Count(string instrument) => _counts.GetValueOrDefault(instrument);

        public Task WhenAsync(Func<bool> condition)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits[done] = condition;
            Check(); // It may hold already.
            return done.Task;
        }

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            _counts.AddOrUpdate(instrument.Name, 1, (_, count) => count + 1);
            foreach (var (key, tagValue) in tags)
            {
                _sums.AddOrUpdate($"{instrument.Name} {key}={tagValue}", value, (_, sum) => sum + value);
            }

            Check();
        }

        private void Check()
        {
            foreach (var (done, condition) in _waits)
            {
                if (condition() && _waits.TryRemove(done, out _))
                {
                    done.TrySetResult();
                }
            }
        }
    }
}
