namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary><c>broker.mjs</c> running in Node.js: a relay-only broker written from docs/protocol.md, on a loopback port.</summary>
public sealed class JavaScriptBroker : IAsyncDisposable
{
    private readonly NodeScript _script;

    private JavaScriptBroker(NodeScript script, Uri uri)
    {
        _script = script;
        Uri = uri;
    }

    /// <summary>Where clients connect (any path: the broker has one room).</summary>
    public Uri Uri { get; }

    public static async Task<JavaScriptBroker> StartAsync()
    {
        var script = NodeScript.Start("broker.mjs");
        var line = await script.NextLineAsync();
        return line.StartsWith("listening ", StringComparison.Ordinal)
            ? new JavaScriptBroker(script, new Uri($"ws://127.0.0.1:{line["listening ".Length..]}/sync"))
            : throw new InvalidOperationException($"The JavaScript broker did not start: '{line}'. {script.Errors}");
    }

    public ValueTask DisposeAsync() => _script.DisposeAsync();
}
