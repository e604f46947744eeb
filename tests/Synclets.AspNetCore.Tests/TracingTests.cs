using System.Collections.Concurrent;
using System.Diagnostics;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>A trace per received message, as an exporter would collect it: with an ActivityListener.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Each_received_message_is_an_activity_applied_or_dropped_with_its_reason()
    {
        var id = "traced-" + Guid.NewGuid().ToString("N")[..8]; // Listeners are process-wide: this test's activities are the ones with its id.
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncletsTelemetry.ActivitySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("synclets.synclet.id") as string == id)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var pool = new MemoryPool();
        await using var traced = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = id });
        await using var other = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "other" });
        await using var deeper = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "deeper" });
        await traced.StartAsync();
        await other.StartAsync();
        await deeper.StartAsync();
        await other.SetAtomAsync(["a", "x"], "traced");
        await Quiescence.WaitAsync(traced, other, deeper, pool);

        Assert.Equal(traced.Statistics.MessagesReceived, stopped.Count);
        Assert.All(stopped, activity => Assert.Equal("synclets.message.receive", activity.OperationName));
        var applied = stopped.Where(activity => activity.GetTagItem("synclets.peer.id") as string == "other").ToList();
        Assert.NotEmpty(applied);
        Assert.All(applied, activity => Assert.Equal(ActivityStatusCode.Unset, activity.Status));
        Assert.All(applied, activity => Assert.True(activity.GetTagItem("messaging.message.body.size") is long size && size > 0));
        var dropped = stopped.Where(activity => activity.GetTagItem("synclets.peer.id") as string == "deeper").ToList();
        Assert.NotEmpty(dropped);
        Assert.All(dropped, activity => Assert.Equal(("depth", ActivityStatusCode.Error), (activity.GetTagItem("synclets.reason") as string, activity.Status)));
    }
}
