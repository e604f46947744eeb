using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// tests/interop/ws-client.mjs: a reference synclet on one of the reference's connectors, on the
/// reference's WebSocket client transport (or on none, offline), driven a command at a time.
/// </summary>
public sealed class ReferenceClient : IAsyncDisposable
{
    private readonly NodeScript _script;
    private readonly List<string> _warnings = [];
    private string? _asked; // The question waiting for its answer (data, meta, codes), and the answer once printed.
    private JsonNode? _answer;
    private int _sent;
    private int _changes; // How many atoms the reference reported set, its own or a peer's.
    private (int Done, string? Stamp) _lastDone;

    private ReferenceClient(NodeScript script) => _script = script;

    /// <summary>What the reference logged as warnings (an invalid message, a depth it refused...).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>
    /// Starts a reference client in <paramref name="room"/> (null: offline, no transport) on
    /// <paramref name="connector"/>: memory, sqlite3:FILE, file:FOLDER, directory:FOLDER, tinybase (depth 3) or pglite.
    /// </summary>
    public static async Task<ReferenceClient> StartAsync(Uri? room, int depth, string connector = "memory")
    {
        var script = NodeScript.StartWithReference("ws-client.mjs", room?.ToString() ?? "offline", depth.ToString(System.Globalization.CultureInfo.InvariantCulture), connector);
        var client = new ReferenceClient(script);
        var first = await client.NextAsync();
        return first.GetValueKind() == JsonValueKind.String && first.GetValue<string>() == "ready" ? client : throw new InvalidOperationException($"The reference client said {first.ToJsonString()}. {script.Errors}");
    }

    /// <summary>Asks the reference to set an atom, without waiting.</summary>
    public void Set(string[] address, JsonNode? atom) => Send(new JsonObject { ["set"] = new JsonArray(Address(address), atom) });

    /// <summary>
    /// Sets an atom and waits until the reference did; returns the timestamp the address held right
    /// after. With <paramref name="probe"/>, the reference then sets that address to 0 and waits for
    /// it, so that the change surely ran even when a peer wrote the same address meanwhile.
    /// </summary>
    public Task<string?> SetAsync(string[] address, JsonNode? atom, string[]? probe = null)
    {
        Send(new JsonObject { ["set"] = new JsonArray(Address(address), atom), ["probe"] = Probe(probe) });
        return DoneAsync();
    }

    /// <summary>Sets a string atom sent as its UTF-16 code units, so that half a surrogate pair reaches the reference as it is (see <see cref="GetTextAsync"/>).</summary>
    public Task<string?> SetTextAsync(string[] address, string text) =>
        SetAsync(address, new JsonObject { ["codes"] = new JsonArray([.. text.Select(code => JsonValue.Create((int)code))]) });

    /// <summary>Deletes an atom and waits until the reference did; returns the timestamp the address held right after (see <see cref="SetAsync"/>).</summary>
    public Task<string?> DeleteAsync(string[] address, string[]? probe = null)
    {
        Send(new JsonObject { ["del"] = Address(address), ["probe"] = Probe(probe) });
        return DoneAsync();
    }

    private static JsonArray? Probe(string[]? probe) => probe is null ? null : Address(probe);

    /// <summary>The reference's data once <paramref name="done"/> holds for it, checked again after each atom it sets.</summary>
    public async Task<JsonNode> UntilAsync(Func<JsonNode, bool> done) => (await UntilAsync((data, _) => done(data))).Data;

    /// <summary>The reference's data and timestamps once <paramref name="done"/> holds for them, checked again after each atom it sets.</summary>
    public async Task<(JsonNode Data, JsonNode Meta)> UntilAsync(Func<JsonNode, JsonNode, bool> done)
    {
        while (true)
        {
            var changesBefore = _changes;
            var data = await GetDataAsync();
            var meta = await GetMetaAsync();
            if (done(data, meta))
            {
                return (data, meta);
            }

            while (_changes == changesBefore)
            {
                await NextAsync();
            }
        }
    }

    public Task<JsonNode> GetDataAsync() => AskAsync("data", true);

    /// <summary>The reference's timestamps, as a tree.</summary>
    public Task<JsonNode> GetMetaAsync() => AskAsync("meta", true);

    /// <summary>A string atom as the reference holds it, rebuilt from its UTF-16 code units (so half surrogate pairs survive, which System.Text.Json cannot read).</summary>
    public async Task<string> GetTextAsync(string[] address)
    {
        var codes = await AskAsync("codes", Address(address));
        return new string([.. codes.AsArray().Select(code => (char)code!.GetValue<int>())]);
    }

    /// <summary>Ends the client the way a crash or a pulled cable does: its process is killed, its connection reset.</summary>
    public ValueTask KillAsync()
    {
        _script.Kill();
        return _script.DisposeAsync();
    }

    public ValueTask DisposeAsync() => _script.DisposeAsync();

    private static JsonArray Address(string[] address) => new([.. address.Select(id => JsonValue.Create(id))]);

    private void Send(JsonObject command)
    {
        _sent++;
        _script.WriteLine(command.ToJsonString());
    }

    /// <summary>Sends a question (data, meta, codes) and returns the answer the script prints under the same name.</summary>
    private async Task<JsonNode> AskAsync(string question, JsonNode argument)
    {
        _asked = question;
        Send(new JsonObject { [question] = argument });
        await DoneAsync();
        var answer = _answer ?? throw new InvalidOperationException($"The reference client answered no '{question}'. {_script.Errors}");
        _answer = null;
        return answer;
    }

    private async Task<string?> DoneAsync()
    {
        while (_lastDone.Done < _sent)
        {
            await NextAsync();
        }

        return _lastDone.Stamp;
    }

    private async Task<JsonNode> NextAsync()
    {
        var line = await _script.NextLineAsync();
        var node = JsonNode.Parse(line) ?? throw new InvalidOperationException($"The reference client printed '{line}'. {_script.Errors}");
        if (node is JsonObject fields)
        {
            if (fields["warn"] is { } warning)
            {
                _warnings.Add(warning.GetValue<string>());
            }

            if (_asked is { } asked && fields[asked] is { } answer)
            {
                _answer = answer;
                _asked = null;
            }

            if (fields.ContainsKey("changed"))
            {
                _changes++;
            }

            if (fields["done"] is { } done)
            {
                _lastDone = (done.GetValue<int>(), fields["stamp"]?.GetValue<string>());
            }
        }

        return node;
    }
}
