// A Synclets server wired to the OpenTelemetry SDK: its metrics and traces, and those of two
// clients in the same process, printed by the console exporter once the clients are in sync, and
// the metrics served to Prometheus at /metrics (the sample scrapes it once and prints its lines).
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Synclets;
using Synclets.AspNetCore;
using Synclets.Connectors;
using Synclets.Transports;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
builder.Services.AddSynclets(options =>
    options.StoreFactory = (_, _, _) => ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(2), new MemoryMetaConnector(2))));
builder.Services.AddHealthChecks().AddSyncletsCheck();
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter(SyncletsTelemetry.SyncletMeter, SyncletsTelemetry.ServerMeter).AddConsoleExporter().AddPrometheusExporter())
    .WithTracing(tracing => tracing.AddSource(SyncletsTelemetry.ActivitySource).AddConsoleExporter());

await using var app = builder.Build();
app.UseWebSockets();
app.MapSynclets("/sync/{room}");
app.MapHealthChecks("/healthz");
app.MapPrometheusScrapingEndpoint(); // GET /metrics, in Prometheus's text format.
await app.StartAsync();
var room = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/sync/notes");

// The clients measure on the host's meter factory too, so the exporter sees them (an app of its
// own would pass its own host's).
var meters = app.Services.GetRequiredService<IMeterFactory>();
Synclet Client(string id) => new(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room), new SyncletOptions { Id = id, MeterFactory = meters });
await using var laptop = Client("laptop");
await using var phone = Client("phone");
await laptop.StartAsync();
await phone.StartAsync();
for (var i = 1; i <= 3; i++)
{
    await laptop.SetAtomAsync([$"note{i}", "text"], $"note {i}");
}

await laptop.WhenSyncedAsync();
await phone.WhenSyncedAsync();
Console.WriteLine($"The phone holds {(await phone.GetDataAsync()).Count} notes.");
var health = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
Console.WriteLine($"Health: {health.Status} ({health.Entries["synclets"].Description})");

// What a Prometheus server would scrape.
using (var http = new HttpClient())
{
    var scraped = await http.GetStringAsync(new Uri(app.Urls.First() + "/metrics"));
    Console.WriteLine("Scraped from /metrics:");
    foreach (var line in scraped.Split('\n').Where(line => line.StartsWith("synclets_", StringComparison.Ordinal)))
    {
        Console.WriteLine("  " + line);
    }
}

// The exporters print on a timer; flush them now, before the process ends.
app.Services.GetRequiredService<MeterProvider>().ForceFlush();
app.Services.GetRequiredService<TracerProvider>().ForceFlush();
await laptop.StopAsync();
await phone.StopAsync();
await app.StopAsync();
