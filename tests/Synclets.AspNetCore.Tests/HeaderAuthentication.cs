using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Synclets.AspNetCore.Tests;

/// <summary>A test scheme: the user and role come from request headers.</summary>
public sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue("X-User", out var user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user!), new Claim(ClaimTypes.Role, Request.Headers["X-Role"].ToString())], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}

/// <summary>A Kestrel server on loopback whose Synclets endpoint requires a user (from <see cref="HeaderAuthentication"/>).</summary>
public static class AuthenticatedHost
{
    /// <summary>Starts it with the Synclets options <paramref name="configure"/> sets; the room's WebSocket address is <c>RoomUri(app, name)</c>.</summary>
    public static async Task<WebApplication> StartAsync(Action<SyncletsServerOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddAuthentication("header").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("header", null);
        builder.Services.AddAuthorization();
        builder.Services.AddSynclets(configure);
        var app = builder.Build();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSynclets("/sync/{room}").RequireAuthorization();
        await app.StartAsync();
        return app;
    }

    public static Uri RoomUri(WebApplication app, string room) =>
        new(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/sync/" + room);
}
