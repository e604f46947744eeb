using System.Runtime.CompilerServices;
using System.Text;

namespace Synclets;

/// <summary>The 32-bit FNV-1a hash over UTF-8 bytes that the protocol uses for timestamps, parents and client ids.</summary>
public static class Fnv1a
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>Hashes the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static uint Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Hash(text.AsSpan());
    }

    /// <summary>Hashes the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static uint Hash(ReadOnlySpan<char> text)
    {
        uint hash = OffsetBasis;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                // Timestamps are pure ASCII: this is the hot path.
                hash = Step(hash, (byte)c);
            }
            else
            {
                return HashUtf8Tail(hash, text[i..]);
            }
        }

        return hash;
    }

    private static uint HashUtf8Tail(uint hash, ReadOnlySpan<char> rest)
    {
        var bytes = Encoding.UTF8.GetBytes(rest.ToArray());
        foreach (var b in bytes)
        {
            hash = Step(hash, b);
        }

        return hash;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Step(uint hash, byte value) => unchecked((hash ^ value) * Prime);
}
