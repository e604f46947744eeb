// Per-user rules without writing hooks: a server whose rooms keep a store, where each user reads
// and writes only the rows they own ("ann:groceries") plus the shared ones ("shared:holidays"),
// from the claims of each connection's authenticated user. Two users sync through it; each sees
// their own rows and the shared ones, and a write to the other's row is refused and reported.
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synclets;
using Synclets.AspNetCore;
using Synclets.Connectors;
using Synclets.Transports;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

// Any ASP.NET Core authentication works (JWT bearer, cookies...); this demo takes the user's name from a header.
builder.Services.AddAuthentication("demo").AddScheme<AuthenticationSchemeOptions, DemoAuthentication>("demo", null);
builder.Services.AddAuthorization();
builder.Services.AddSynclets(options =>
{
    options.StoreFactory = (_, _, _) => ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(2), new MemoryMetaConnector(2)));
    options.AccessRules = SyncletsAccessRules.OwnedRows(); // "ann:..." is ann's, "shared:..." everyone's.
});
await using var app = builder.Build();
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.MapSynclets("/sync/{room}").RequireAuthorization();
await app.StartAsync();
var room = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/sync/family");

Synclet Device(string id, string user) => new(new MemoryDataConnector(2), new MemoryMetaConnector(2),
    new WebSocketTransport(room, new WebSocketTransportOptions { ConfigureSocket = socket => socket.SetRequestHeader("X-Demo-User", user) }),
    new SyncletOptions { Id = id });
await using var ann = Device("ann-laptop", "ann");
await using var bob = Device("bob-phone", "bob");
await ann.StartAsync();
await bob.StartAsync();

await ann.SetAtomAsync(["ann:groceries", "milk"], "2 litres");
await ann.SetAtomAsync(["shared:holidays", "where"], "the sea");
await bob.SetAtomAsync(["bob:todo", "taxes"], "file them");
await ann.WhenStoredAsync();
await bob.WhenStoredAsync();
await ann.WhenSyncedAsync();
await bob.WhenSyncedAsync();
Console.WriteLine($"ann holds {(await ann.GetDataAsync()).ToJsonString()}");
Console.WriteLine($"bob holds {(await bob.GetDataAsync()).ToJsonString()}");

await bob.SetAtomAsync(["ann:groceries", "milk"], "none");
try
{
    await bob.WhenStoredAsync();
}
catch (WritesRefusedException refused)
{
    Console.WriteLine($"bob's write to ann's row was refused: {refused.Refused.Count} write(s), kept on his phone only.");
}

await ann.WhenSyncedAsync();
Console.WriteLine($"ann's milk is still {(await ann.GetAtomAsync(["ann:groceries", "milk"])).AsString()}.");
await ann.StopAsync();
await bob.StopAsync();
await app.StopAsync();

/// <summary>For the demo only: the user is whoever the X-Demo-User header names. Use a real scheme in an app.</summary>
internal sealed class DemoAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(Request.Headers.TryGetValue("X-Demo-User", out var user) && user.ToString() is { Length: > 0 } name
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], Scheme.Name)), Scheme.Name))
            : AuthenticateResult.NoResult());
}
