using Synclets.Connectors;
using Synclets.Sqlite;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>A SQLite store of either layout for the scenarios: its connectors, its owner, and how to fill it directly.</summary>
internal sealed record SqliteStorage(IDataConnector Data, IMetaConnector Meta, IAsyncDisposable Owner, Func<long, Task> FillAsync) : IAsyncDisposable
{
    public const string Generic = "sqlite-generic";
    public const string Typed = "sqlite-typed";

    /// <summary>Opens <paramref name="path"/> in the <see cref="Generic"/> layout (depth 2), or as typed tables of <see cref="WideRow"/>.</summary>
    public static async Task<SqliteStorage> OpenAsync(string layout, string path)
    {
        if (layout == Typed)
        {
            var typed = await TypedSqliteStore.OpenAsync<WideRow>(path);
            return new SqliteStorage(typed, typed, typed, atoms => TypedSqliteScenario.FillAsync(typed, atoms / 10));
        }

        var generic = await SqliteStore.OpenAsync(path, 2);
        return new SqliteStorage(generic.Data, generic.Meta, generic, atoms => SqliteScenarios.FillAsync(generic, atoms));
    }

    public ValueTask DisposeAsync() => Owner.DisposeAsync();
}
