using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Raw SQLite doing the least a sync must, to measure ours against in the same run: the same rows
/// inserted in one transaction through one prepared statement. Each runs once on a tenth of the
/// rows first (into its own file), so it is warm like the sync it is compared with, then three
/// times into fresh files; the median counts. (On the shared machine a single half-second run
/// varied by 2x from one run to the next, and every ratio with it.)
/// </summary>
internal static class Baselines
{
    /// <summary>Rows of ten text columns into a plain wide table: the baseline of typed storage.</summary>
    public static double Wide(string folder, long rows)
    {
        WideOnce(Path.Combine(folder, "wide-warm-up.db"), Math.Max(1, rows / 10));
        return MedianOfThree(run => WideOnce(Path.Combine(folder, $"wide-{run}.db"), rows));
    }

    /// <summary>Atoms into a plain (address, atom) table: the baseline of generic storage.</summary>
    public static double Narrow(string folder, long atoms)
    {
        NarrowOnce(Path.Combine(folder, "narrow-warm-up.db"), Math.Max(1, atoms / 10));
        return MedianOfThree(run => NarrowOnce(Path.Combine(folder, $"narrow-{run}.db"), atoms));
    }

    private static double MedianOfThree(Func<int, double> measure)
    {
        double[] seconds = [measure(0), measure(1), measure(2)];
        Array.Sort(seconds);
        return seconds[1];
    }

    private static double WideOnce(string path, long rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE todos (id TEXT PRIMARY KEY, " + string.Join(", ", Enumerable.Range(0, 10).Select(c => $"c{c} TEXT")) + ")";
            setup.ExecuteNonQuery();
        }

        var watch = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO todos VALUES (@id, " + string.Join(", ", Enumerable.Range(0, 10).Select(c => $"@c{c}")) + ")";
        var id = insert.Parameters.Add("@id", SqliteType.Text);
        var columns = Enumerable.Range(0, 10).Select(c => insert.Parameters.Add($"@c{c}", SqliteType.Text)).ToArray();
        insert.Prepare();
        for (long row = 0; row < rows; row++)
        {
            id.Value = $"r{row}";
            for (var c = 0; c < 10; c++)
            {
                columns[c].Value = $"value {row}-{c}";
            }

            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return watch.Elapsed.TotalSeconds;
    }

    private static double NarrowOnce(string path, long atoms)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE atoms (address TEXT PRIMARY KEY, atom TEXT)";
            setup.ExecuteNonQuery();
        }

        var watch = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO atoms (address, atom) VALUES (@a, @v)";
        var address = insert.Parameters.Add("@a", SqliteType.Text);
        var value = insert.Parameters.Add("@v", SqliteType.Text);
        insert.Prepare();
        for (long i = 0; i < atoms; i++)
        {
            address.Value = $"[\"r{i / 10}\",\"c{i % 10}\"]";
            value.Value = SqliteScenarios.Value(i).ToString();
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return watch.Elapsed.TotalSeconds;
    }
}
