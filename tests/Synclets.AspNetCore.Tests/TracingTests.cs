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

    [Fact]
    public async Task A_packet_routed_by_the_server_and_the_store_applying_its_message_are_one_trace()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        var room = "traced-" + Guid.NewGuid().ToString("N")[..8]; // Listeners are process-wide: this test's routes are its room's.
        var routes = new ConcurrentQueue<Activity>();
        var receives = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncletsTelemetry.ActivitySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "synclets.packet.route" && activity.GetTagItem("synclets.room") as string == room)
                {
                    routes.Enqueue(activity);
                }
                else if (activity.OperationName == "synclets.message.receive")
                {
                    receives.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(host.Room(room)), new SyncletOptions { Id = "client" });
        await client.StartAsync();
        await client.SetAtomAsync(["a", "x"], "traced");
        await client.WhenStoredAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // Each message the store applied from the client is a child of the routing of its packet, in the same trace.
        var fromClient = receives.Where(receive => routes.Any(route => route.SpanId == receive.ParentSpanId)).ToList();
        Assert.NotEmpty(routes);
        Assert.True(fromClient.Count >= 2, $"{fromClient.Count} receives under {routes.Count} routes"); // The hash at start and the change, at least.
        Assert.All(fromClient, receive => Assert.Equal(routes.Single(route => route.SpanId == receive.ParentSpanId).TraceId, receive.TraceId));
        Assert.All(routes, route => Assert.Equal(ActivityKind.Server, route.Kind));
    }
}
