using Synclets.Connectors;
using Synclets.Connectors.Files;
using Synclets.Tests.Scenarios;

namespace Synclets.Tests.Files;

/// <summary>The docs/scenarios.md suite with every synclet on its own JSON file.</summary>
public sealed class JsonFileConvergenceTests : ConvergenceSuite, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-file-").FullName;
    private int _files;

    protected override (IDataConnector Data, IMetaConnector Meta) CreateStorage(int depth)
    {
        var store = JsonFileStore.OpenFileAsync(Path.Combine(_folder, $"store{++_files}.json"), depth).GetAwaiter().GetResult();
        return (store.Data, store.Meta);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public Task A_file_keeps_its_tombstone_horizon() =>
        Synclets.Tests.Scenarios.TombstoneChecks.Horizon_and_collection_survive_a_reopen(async () =>
        {
            var store = await JsonFileStore.OpenFileAsync(Path.Combine(_folder, "collected.json"), 2);
            return (store.Data, store.Meta, new NothingToClose());
        });

    [Fact]
    public Task A_folder_keeps_its_tombstone_horizon() =>
        Synclets.Tests.Scenarios.TombstoneChecks.Horizon_and_collection_survive_a_reopen(async () =>
        {
            var store = await JsonFileStore.OpenFolderAsync(Path.Combine(_folder, "collected"), 2);
            return (store.Data, store.Meta, new NothingToClose());
        });

    private sealed class NothingToClose : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The docs/scenarios.md suite with every synclet on its own folder of JSON files.</summary>
public sealed class JsonFolderConvergenceTests : ConvergenceSuite, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-folder-").FullName;
    private int _stores;

    protected override (IDataConnector Data, IMetaConnector Meta) CreateStorage(int depth)
    {
        var store = JsonFileStore.OpenFolderAsync(Path.Combine(_folder, $"store{++_stores}"), depth).GetAwaiter().GetResult();
        return (store.Data, store.Meta);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

public sealed class FileStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task What_is_written_reads_back_after_reopening()
    {
        var path = Path.Combine(_folder, "todos.json");
        string meta;
        await using (var synclet = await OpenAsync(path))
        {
            await synclet.SetAtomsAsync(["t1"], [KeyValuePair.Create("title", (Atom)"Buy milk"), KeyValuePair.Create("done", (Atom)false), KeyValuePair.Create("due", Atom.Null)]);
            await synclet.SetAtomAsync(["t2", "title"], "gone");
            await synclet.DeleteAtomAsync(["t2", "title"]);
            meta = (await synclet.GetMetaAsync()).ToJsonString();
        }

        await using var reopened = await OpenAsync(path);
        Assert.Equal("""{"t1":{"done":false,"due":null,"title":"Buy milk"}}""", (await reopened.GetDataAsync()).ToJsonString());
        Assert.Equal(meta, (await reopened.GetMetaAsync()).ToJsonString());
        Assert.Contains("\"title\": \"Buy milk\"", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Half_a_surrogate_pair_is_kept_exactly_in_text_and_refused_in_ids()
    {
        var path = Path.Combine(_folder, "lone.json");
        await using (var synclet = await OpenAsync(path))
        {
            await synclet.SetAtomAsync(["t1", "title"], "cut \uD83D");
            var error = await Assert.ThrowsAsync<ArgumentException>(() => synclet.SetAtomAsync(["t\uDC00", "title"], "x"));
            Assert.Contains("half of a UTF-16 surrogate pair", error.Message, StringComparison.Ordinal);
        }

        await using var reopened = await OpenAsync(path);
        Assert.Equal("cut \uD83D", (await reopened.GetAtomAsync(["t1", "title"])).AsString());
        Assert.Equal(["t1"], await reopened.GetChildIdsAsync([]));
    }

    [Fact]
    public async Task A_folder_store_writes_one_file_per_top_level_id()
    {
        var folder = Path.Combine(_folder, "store");
        var store = await JsonFileStore.OpenFolderAsync(folder, 2);
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomAsync(["t/1", "title"], "slash in the id");
            await synclet.SetAtomAsync(["t2", "title"], "two");
        }

        Assert.Equal(["t%2F1.json", "t2.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var reopened = await JsonFileStore.OpenFolderAsync(folder, 2);
        await using var again = new Synclet(reopened.Data, reopened.Meta);
        Assert.Equal("""{"t/1":{"title":"slash in the id"},"t2":{"title":"two"}}""", (await again.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_leftover_temporary_file_from_a_crash_is_ignored()
    {
        var path = Path.Combine(_folder, "store.json");
        await using (var synclet = await OpenAsync(path))
        {
            await synclet.SetAtomAsync(["a", "b"], "committed");
        }

        await File.WriteAllTextAsync(path + ".tmp", "{\"depth\":2,\"data\":{\"a\":{\"b\":\"half writ");
        await using var reopened = await OpenAsync(path);
        Assert.Equal("""{"a":{"b":"committed"}}""", (await reopened.GetDataAsync()).ToJsonString());
    }

    [Theory]
    [InlineData("{ not json", "is not valid JSON")]
    [InlineData("{\"depth\":3,\"data\":{},\"meta\":{}}", "is not a Synclets store of depth 2")]
    [InlineData("{\"depth\":2,\"data\":{\"a\":5},\"meta\":{}}", "where a tree of depth 2 has an object")]
    [InlineData("{\"depth\":2,\"data\":{},\"meta\":{\"a\":{\"b\":\"nope\"}}}", "which is not a timestamp")]
    public async Task A_bad_file_is_refused_and_left_untouched(string content, string reason)
    {
        var path = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(path, content);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => JsonFileStore.OpenFileAsync(path, 2));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_failed_unit_of_work_is_undone_in_memory_and_on_disk()
    {
        var path = Path.Combine(_folder, "store.json");
        var store = await JsonFileStore.OpenFileAsync(path, 2);
        await using var synclet = new Synclet(store.Data, store.Meta, new SyncletOptions { Hooks = new FailOnThirdWrite() });
        await synclet.SetAtomAsync(["r", "kept"], "yes");
        await Assert.ThrowsAsync<InvalidOperationException>(() => synclet.SetAtomsAsync(["r"], [KeyValuePair.Create("a", (Atom)1), KeyValuePair.Create("b", (Atom)2)]));

        Assert.Equal("""{"r":{"kept":"yes"}}""", (await synclet.GetDataAsync()).ToJsonString());
        var reopened = await JsonFileStore.OpenFileAsync(path, 2);
        await using var fresh = new Synclet(reopened.Data, reopened.Meta);
        Assert.Equal(await fresh.GetHashAsync([]), await synclet.GetHashAsync([]));
    }

    private static async Task<Synclet> OpenAsync(string path)
    {
        var store = await JsonFileStore.OpenFileAsync(path, 2);
        return new Synclet(store.Data, store.Meta);
    }

    private sealed class FailOnThirdWrite : SyncletHooks
    {
        private int _writes;

        public override void OnSetAtom(IReadOnlyList<string> address, Atom atom)
        {
            if (++_writes == 3)
            {
                throw new InvalidOperationException("third write fails");
            }
        }
    }
}
