namespace Synclets.Protocol;

/// <summary>
/// The order in which JavaScript enumerates an object's keys, and so <c>JSON.stringify</c> writes
/// them: integer-like keys (array indices: <c>"0"</c>, <c>"12"</c>, up to 2^32 - 2, no leading
/// zeros) first, in ascending numeric order, then every other key in insertion order. A message
/// we write from a dictionary follows it, so its text is a JavaScript peer's byte for byte.
/// </summary>
internal static class JavaScriptKeyOrder
{
    /// <summary>True when some key of <paramref name="entries"/> is integer-like, so they need <see cref="Reordered"/>: rare, and checked without allocating for a dictionary.</summary>
    public static bool NeedsReordering<T>(IReadOnlyDictionary<string, T> entries)
    {
        if (entries is Dictionary<string, T> dictionary)
        {
            foreach (var key in dictionary.Keys)
            {
                if (IsArrayIndex(key, out _))
                {
                    return true;
                }
            }

            return false;
        }

        return entries.Keys.Any(key => IsArrayIndex(key, out _));
    }

    /// <summary>True when <paramref name="key"/> is the canonical text of an integer from 0 to 2^32 - 2.</summary>
    public static bool IsArrayIndex(string key, out uint index)
    {
        index = 0;
        if (key.Length is 0 or > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }

        ulong value = 0;
        foreach (var c in key)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        if (value > uint.MaxValue - 1)
        {
            return false;
        }

        index = (uint)value;
        return true;
    }

    /// <summary><paramref name="entries"/> in JavaScript's order.</summary>
    public static List<KeyValuePair<string, T>> Reordered<T>(IReadOnlyDictionary<string, T> entries)
    {
        var indices = new List<(uint Index, KeyValuePair<string, T> Entry)>();
        var others = new List<KeyValuePair<string, T>>(entries.Count);
        foreach (var entry in entries)
        {
            if (IsArrayIndex(entry.Key, out var index))
            {
                indices.Add((index, entry));
            }
            else
            {
                others.Add(entry);
            }
        }

        indices.Sort((a, b) => a.Index.CompareTo(b.Index));
        var ordered = new List<KeyValuePair<string, T>>(entries.Count);
        ordered.AddRange(indices.Select(pair => pair.Entry));
        ordered.AddRange(others);
        return ordered;
    }
}
