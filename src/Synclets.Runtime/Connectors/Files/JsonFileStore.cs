using System.Text.Encodings.Web;
using System.Text.Json;

namespace Synclets.Connectors.Files;

/// <summary>
/// A synclet's data and meta in readable JSON: one file, or a folder with one file per top-level
/// id. The tree lives in memory; each unit of work (one received message, one local change) that
/// changed something is written back atomically (a temporary file, flushed, then renamed over the
/// old one), so a crash leaves the previous file or the new one, never half of either.
/// </summary>
/// <remarks>The whole file (or the changed top-level file) is rewritten per unit of work: suited to settings and small documents, not to millions of atoms.</remarks>
public sealed class JsonFileStore
{
    /// <summary>The property holding the tombstone horizon (milliseconds since the Unix epoch), in every file once tombstones were collected.</summary>
    private const string TombstoneHorizonProperty = "tombstoneHorizon";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _path;
    private readonly bool _folder;
    private readonly MemoryDataConnector _data;
    private readonly MemoryMetaConnector _meta;
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private int _openUnits;
    private bool _horizonChanged;

    private JsonFileStore(string path, bool folder, int depth)
    {
        _path = path;
        _folder = folder;
        _data = new MemoryDataConnector(depth);
        _meta = new MemoryMetaConnector(depth);
        Data = new FileDataConnector(this, _data);
        Meta = new FileMetaConnector(this, _meta);
    }

    /// <summary>The depth of the tree.</summary>
    public int Depth => _data.Depth;

    /// <summary>The data connector to give a synclet.</summary>
    public IDataConnector Data { get; }

    /// <summary>The meta connector to give a synclet.</summary>
    public IMetaConnector Meta { get; }

    /// <summary>Opens (or starts) a store in one JSON file.</summary>
    /// <exception cref="InvalidDataException">The file is not a store of this depth; it is left untouched.</exception>
    public static async Task<JsonFileStore> OpenFileAsync(string path, int depth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var store = new JsonFileStore(Path.GetFullPath(path), folder: false, depth);
        if (File.Exists(store._path))
        {
            await store.LoadAsync(store._path, cancellationToken).ConfigureAwait(false);
        }

        return store;
    }

    /// <summary>Opens (or starts) a store in a folder, one JSON file per top-level id, so a change rewrites only its own file.</summary>
    /// <exception cref="InvalidDataException">A file is not part of a store of this depth; nothing is changed.</exception>
    public static async Task<JsonFileStore> OpenFolderAsync(string folder, int depth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var store = new JsonFileStore(Path.GetFullPath(folder), folder: true, depth);
        Directory.CreateDirectory(store._path);
        foreach (var file in Directory.EnumerateFiles(store._path, "*.json"))
        {
            await store.LoadAsync(file, cancellationToken).ConfigureAwait(false);
        }

        return store;
    }

    internal void BeginUnit() => _openUnits++;

    internal async ValueTask CommitUnitAsync(CancellationToken cancellationToken)
    {
        if (_openUnits > 0 && --_openUnits > 0)
        {
            return;
        }

        await SaveAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses an address with an id holding half of a surrogate pair: System.Text.Json writes it
    /// in a property name as U+FFFD, which would change the id, so it is refused instead.
    /// </summary>
    internal static void RequireWholeIds(IReadOnlyList<string> address)
    {
        foreach (var id in address)
        {
            if (Ids.HasUnpairedSurrogate(id))
            {
                throw new ArgumentException($"The id '{id}' of address {Protocol.AtomJson.WriteAddress(address)} holds half of a UTF-16 surrogate pair (a string cut between the two), which a JSON file store cannot keep as a property name. Write whole characters.", nameof(address));
            }
        }
    }

    internal async ValueTask RollbackUnitAsync(CancellationToken cancellationToken)
    {
        // Memory already holds the writes of the failed unit; reload what is on disk for the touched files.
        _openUnits = 0;
        var touched = _dirty.ToList();
        _dirty.Clear();
        foreach (var id in touched)
        {
            await RemoveTopLevelAsync(id).ConfigureAwait(false);
        }

        if (_folder)
        {
            foreach (var id in touched)
            {
                var file = FileFor(id);
                if (File.Exists(file))
                {
                    await LoadAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else if (File.Exists(_path))
        {
            await LoadAsync(_path, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The tombstone horizon changed: every file says it, so a folder's files are all rewritten (a rare event).</summary>
    internal async ValueTask HorizonChangedAsync()
    {
        _horizonChanged = true;
        if (_openUnits == 0)
        {
            await SaveAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    internal async ValueTask WrittenAsync(IReadOnlyList<string> address)
    {
        _dirty.Add(address[0]);
        if (_openUnits == 0)
        {
            await SaveAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async ValueTask RemoveTopLevelAsync(string id)
    {
        var meta = new List<string[]>();
        await CollectAsync([id], meta).ConfigureAwait(false);
        foreach (var address in meta)
        {
            await _data.RemoveAtomAsync(address).ConfigureAwait(false);
        }

        _meta.Forget(id);
    }

    private async ValueTask CollectAsync(List<string> prefix, List<string[]> addresses)
    {
        if (prefix.Count == Depth)
        {
            addresses.Add([.. prefix]);
            return;
        }

        foreach (var id in (await _meta.GetChildIdsAsync(prefix).ConfigureAwait(false)).ToList())
        {
            prefix.Add(id);
            await CollectAsync(prefix, addresses).ConfigureAwait(false);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private async ValueTask SaveAsync(CancellationToken cancellationToken)
    {
        if (_horizonChanged)
        {
            // Every file says the horizon: a folder rewrites each one, a single file is rewritten for any dirty id.
            _horizonChanged = false;
            if (_folder)
            {
                _dirty.UnionWith(await _meta.GetChildIdsAsync([], cancellationToken).ConfigureAwait(false));
            }
            else
            {
                _dirty.Add(string.Empty);
            }
        }

        if (_dirty.Count == 0)
        {
            return;
        }

        if (_folder)
        {
            foreach (var id in _dirty)
            {
                await WriteAtomicallyAsync(FileFor(id), [id], cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await WriteAtomicallyAsync(_path, null, cancellationToken).ConfigureAwait(false);
        }

        _dirty.Clear();
    }

    private async Task WriteAtomicallyAsync(string path, string[]? topLevel, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await using (var writer = new Utf8JsonWriter(stream, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteNumber("depth", Depth);
                if (await _meta.GetTombstoneHorizonAsync(cancellationToken).ConfigureAwait(false) is > 0 and var horizon)
                {
                    writer.WriteNumber(TombstoneHorizonProperty, horizon);
                }

                writer.WritePropertyName("data");
                await WriteTreeAsync(writer, topLevel, meta: false).ConfigureAwait(false);
                writer.WritePropertyName("meta");
                await WriteTreeAsync(writer, topLevel, meta: true).ConfigureAwait(false);
                writer.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private async Task WriteTreeAsync(Utf8JsonWriter writer, string[]? topLevel, bool meta)
    {
        writer.WriteStartObject();
        var ids = topLevel ?? [.. await _meta.GetChildIdsAsync([]).ConfigureAwait(false)];
        foreach (var id in ids)
        {
            await WriteBranchAsync(writer, [id], meta).ConfigureAwait(false);
        }

        writer.WriteEndObject();
    }

    private async Task WriteBranchAsync(Utf8JsonWriter writer, List<string> address, bool meta)
    {
        var id = address[^1];
        if (address.Count == Depth)
        {
            if (meta)
            {
                writer.WriteString(id, await _meta.GetTimestampAsync(address).ConfigureAwait(false));
                return;
            }

            var atom = await _data.GetAtomAsync(address).ConfigureAwait(false);
            switch (atom.Kind)
            {
                case AtomKind.Absent:
                    return;
                case AtomKind.Null:
                    writer.WriteNull(id);
                    break;
                case AtomKind.Boolean:
                    writer.WriteBoolean(id, atom.AsBoolean());
                    break;
                case AtomKind.Number:
                    writer.WriteNumber(id, atom.AsNumber());
                    break;
                default:
                    if (Ids.HasUnpairedSurrogate(atom.AsString()))
                    {
                        // System.Text.Json would write U+FFFD for half a surrogate pair; JSON's escape keeps it.
                        writer.WritePropertyName(id);
                        writer.WriteRawValue(Protocol.JsonText.Write(atom));
                    }
                    else
                    {
                        writer.WriteString(id, atom.AsString());
                    }

                    break;
            }

            return;
        }

        var children = meta ? await _meta.GetChildIdsAsync(address).ConfigureAwait(false) : await _data.GetChildIdsAsync(address).ConfigureAwait(false);
        if (children.Count == 0)
        {
            return;
        }

        writer.WritePropertyName(id);
        writer.WriteStartObject();
        foreach (var child in children.ToList())
        {
            address.Add(child);
            await WriteBranchAsync(writer, address, meta).ConfigureAwait(false);
            address.RemoveAt(address.Count - 1);
        }

        writer.WriteEndObject();
    }

    private async Task LoadAsync(string file, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            await using var stream = File.OpenRead(file);
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"'{file}' is not valid JSON ({exception.Message}); it was left untouched. Restore it from a backup or move it away.", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("depth", out var depth) || depth.ValueKind != JsonValueKind.Number || depth.GetInt32() != Depth
                || !root.TryGetProperty("data", out var data) || !root.TryGetProperty("meta", out var meta))
            {
                throw new InvalidDataException($"'{file}' is not a Synclets store of depth {Depth}: it needs {{\"depth\":{Depth},\"data\":{{...}},\"meta\":{{...}}}}. It was left untouched.");
            }

            if (root.TryGetProperty(TombstoneHorizonProperty, out var horizon) && horizon.TryGetInt64(out var milliseconds)
                && milliseconds > await _meta.GetTombstoneHorizonAsync(cancellationToken).ConfigureAwait(false))
            {
                await _meta.SetTombstoneHorizonAsync(milliseconds, cancellationToken).ConfigureAwait(false);
            }

            await LoadTreeAsync(file, data, [], isMeta: false).ConfigureAwait(false);
            await LoadTreeAsync(file, meta, [], isMeta: true).ConfigureAwait(false);
        }
    }

    private async Task LoadTreeAsync(string file, JsonElement element, List<string> address, bool isMeta)
    {
        if (address.Count == Depth)
        {
            if (isMeta)
            {
                var timestamp = element.ValueKind == JsonValueKind.String ? element.GetString()! : string.Empty;
                if (!Timestamp.IsValid(timestamp))
                {
                    throw new InvalidDataException($"'{file}' holds '{element}' as the timestamp of {Protocol.AtomJson.WriteAddress(address)}, which is not a timestamp. It was left untouched.");
                }

                await _meta.SetTimestampAsync(address, timestamp).ConfigureAwait(false);
            }
            else
            {
                await _data.SetAtomAsync(address, Protocol.AtomJson.Parse(element.GetRawText())).ConfigureAwait(false);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{file}' holds a {element.ValueKind} at {Protocol.AtomJson.WriteAddress(address)}, where a tree of depth {Depth} has an object. It was left untouched.");
        }

        foreach (var property in element.EnumerateObject())
        {
            address.Add(property.Name);
            await LoadTreeAsync(file, property.Value, address, isMeta).ConfigureAwait(false);
            address.RemoveAt(address.Count - 1);
        }
    }

    private string FileFor(string topLevelId) => Path.Combine(_path, Uri.EscapeDataString(topLevelId) + ".json");
}
