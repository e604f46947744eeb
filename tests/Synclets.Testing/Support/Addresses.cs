namespace Synclets.Tests.Support;

/// <summary>The addresses of docs/scenarios.md, per depth.</summary>
public static class Addresses
{
    public static string[] At(int depth) => [.. new[] { "a", "aa", "aaa", "aaaa" }.Take(depth)];

    public static string[] Near(int depth) => depth switch
    {
        1 => ["b"],
        2 => ["a", "ab"],
        3 => ["a", "aa", "aab"],
        _ => ["a", "aa", "aaa", "aaab"],
    };

    public static string[] Far(int depth) => [.. new[] { "b", "ba", "baa", "baaa" }.Take(depth)];

    /// <summary>Depths 1 to 4, the range every scenario runs at.</summary>
    public static IEnumerable<int> Depths => Enumerable.Range(1, 4);
}
