using Synclets.Connectors;
using Synclets.Tests.Scenarios;

namespace Synclets.Sqlite.Tests;

/// <summary>The docs/scenarios.md suite with every synclet on its own SQLite file.</summary>
public sealed class SqliteConvergenceTests : ConvergenceSuite, IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteStore> _stores = [];

    protected override (IDataConnector Data, IMetaConnector Meta) CreateStorage(int depth)
    {
        var store = SqliteStore.OpenAsync(_folder.NewFile(), depth).GetAwaiter().GetResult();
        _stores.Add(store);
        return (store.Data, store.Meta);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _folder.Dispose();
    }
}
