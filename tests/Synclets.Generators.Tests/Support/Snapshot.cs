using System.Runtime.CompilerServices;
using System.Text;

namespace Synclets.Generators.Tests.Support;

/// <summary>
/// Our snapshot helper (Verify is not available here): compares generated source with the
/// committed <c>Snapshots/NAME.verified.cs</c>. On a mismatch it writes <c>NAME.received.cs</c>
/// beside it and fails with a line diff. Set <c>SYNCLETS_ACCEPT_SNAPSHOTS=1</c> to write the new
/// output as the verified file instead, then review it with <c>git diff</c>.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "SYNCLETS_ACCEPT_SNAPSHOTS";

    public static void Match(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var verified = Path.Combine(folder, name + ".verified.cs");
        var received = Path.Combine(folder, name + ".received.cs");
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? File.ReadAllText(verified).ReplaceLineEndings("\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verified} yet. Review {received}, then run with {AcceptVariable}=1 to accept it."
            : $"The generated source differs from {verified} (the new one is in {received}; run with {AcceptVariable}=1 to accept it):\n{Diff(expected, actual)}");
    }

    /// <summary>The lines that differ, with a little context: '-' expected, '+' actual.</summary>
    public static string Diff(string expected, string actual)
    {
        var before = expected.Split('\n');
        var after = actual.Split('\n');
        var builder = new StringBuilder();
        var shown = 0;
        for (var i = 0; i < Math.Max(before.Length, after.Length) && shown < 40; i++)
        {
            var left = i < before.Length ? before[i] : null;
            var right = i < after.Length ? after[i] : null;
            if (left == right)
            {
                continue;
            }

            builder.AppendLine($"@@ line {i + 1}");
            if (left is not null)
            {
                builder.AppendLine("- " + left);
            }

            if (right is not null)
            {
                builder.AppendLine("+ " + right);
            }

            shown++;
        }

        return builder.ToString();
    }
}
