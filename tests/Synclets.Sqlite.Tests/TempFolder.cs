namespace Synclets.Sqlite.Tests;

/// <summary>A folder of SQLite files for one test, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    private int _files;

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "synclets-sqlite-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string NewFile(string name = "store") => System.IO.Path.Combine(Path, $"{name}{Interlocked.Increment(ref _files)}.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine: the OS cleans temp.
        }
    }
}
