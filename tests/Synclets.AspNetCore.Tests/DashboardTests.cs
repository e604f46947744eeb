using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>The live page, in a real browser: Debian's Chromium, headless, driven by Playwright.</summary>
public sealed class DashboardTests
{
    [BrowserFact]
    public async Task The_page_shows_the_rooms_their_clients_and_a_rooms_tree_and_follows_changes_live()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSynclets(options => options.StoreFactory = (_, _, _) => ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(2), new MemoryMetaConnector(2))));
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        app.MapSyncletsDashboard();
        await app.StartAsync();
        var http = app.Urls.First();

        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(new Uri(http.Replace("http://", "ws://", StringComparison.Ordinal) + "/sync/notes")), new SyncletOptions { Id = "laptop" });
        await client.StartAsync();
        await client.SetAtomAsync(["groceries", "milk"], "2 litres");
        await client.SetAtomAsync(["groceries", "eggs"], 6);
        await client.DeleteAtomAsync(["groceries", "eggs"]);
        await client.WhenStoredAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = BrowserFactAttribute.Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 640 } });
        await page.GotoAsync(http + "/synclets");

        // The room, with its client; Playwright's expectations wait for the page's next refresh (a signal, not a sleep).
        var room = page.Locator("#rooms tr[data-room='notes']");
        await Assertions.Expect(room).ToContainTextAsync("1 (anonymous)");
        await Assertions.Expect(page.Locator("#summary")).ToHaveTextAsync("1 rooms open, 1 clients connected.");

        // Its tree: the value and its time, the deleted atom marked.
        await room.ClickAsync();
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("milk \"2 litres\"");
        await Assertions.Expect(page.Locator("#tree .deleted")).ToHaveTextAsync("deleted");
        await Assertions.Expect(page.Locator("#tree .time").First).ToContainTextAsync(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        // Live: a change made now appears without a reload.
        await client.SetAtomAsync(["groceries", "bread"], "one loaf");
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("bread \"one loaf\"");
        if (Environment.GetEnvironmentVariable("SYNCLETS_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }

        await client.StopAsync();
    }
}

/// <summary>A test that needs a browser: Debian's Chromium. It skips, saying so, where none is installed, unless SYNCLETS_BROWSER_REQUIRED=1 (CI).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public static string? Chromium { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public BrowserFactAttribute()
    {
        if (Chromium is null && Environment.GetEnvironmentVariable("SYNCLETS_BROWSER_REQUIRED") != "1")
        {
            Skip = "No Chromium: install Debian's chromium package (apt-get install chromium); .ci/run does.";
        }
    }
}
