using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite.Tests;

/// <summary>Ids that are legal data but not plain SQL names: quotes, backslashes, line breaks.</summary>
[SyncTree(depth: 2)]
public partial record OddColumns
{
    [SyncKey, SyncColumn("k\"ey")] public string Key { get; init; } = "";

    [SyncColumn("a\"b")] public string? Quote { get; init; }

    [SyncColumn("back\\slash")] public int Backslash { get; init; }

    [SyncColumn("two\nlines")] public bool Lines { get; init; }
}

/// <summary>Two ids that differ only in case: distinct atoms, one column to SQLite.</summary>
[SyncTree(depth: 2)]
public partial record CaseClash(string Id, string Title, [property: SyncColumn("title")] string Subtitle);

/// <summary>A property whose id is the name of the typed table's own absent-mask column.</summary>
[SyncTree(depth: 2)]
public partial record AbsentClash(string Id, string Absent);

public sealed class TypedColumnNameTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Ids_with_quotes_backslashes_and_line_breaks_are_columns_of_their_own()
    {
        var path = _folder.NewFile("odd");
        var row = new OddColumns { Key = "r1", Quote = "q", Backslash = 7, Lines = true };
        await using (var store = await TypedSqliteStore.OpenAsync<OddColumns>(path))
        {
            await using var synclet = new Synclet(store, store);
            await OddColumns.CreateStore(synclet).UpsertAsync(row);
        }

        await using (var reopened = await TypedSqliteStore.OpenAsync<OddColumns>(path))
        {
            await using var synclet = new Synclet(reopened, reopened);
            Assert.Equal(row, await OddColumns.CreateStore(synclet).GetAsync("r1"));
        }

        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('OddColumns') ORDER BY cid";
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["k\"ey", "a\"b", "back\\slash", "two\nlines", "absent"], names);
    }

    [Fact]
    public async Task Ids_that_differ_only_in_case_are_refused_with_both_named()
    {
        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => TypedSqliteStore.OpenAsync<CaseClash>(_folder.NewFile("case")));
        Assert.Contains("'title'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Title'", error.Message, StringComparison.Ordinal);
        Assert.Contains("[SyncColumn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_named_like_the_tables_absent_column_is_refused()
    {
        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => TypedSqliteStore.OpenAsync<AbsentClash>(_folder.NewFile("absent")));
        Assert.Contains("'Absent'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'absent' column", error.Message, StringComparison.Ordinal);
    }
}
