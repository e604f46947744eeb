namespace Synclets;

/// <summary>
/// Encodes and decodes the protocol's 16-character timestamps: 42 bits of milliseconds since the
/// Unix epoch, a 24-bit counter and a 30-bit client id, six bits a character, most significant
/// first, over an alphabet in code-point order, so ordinal comparison is time order.
/// </summary>
public static class Timestamp
{
    /// <summary>The 64 characters of the timestamp alphabet; character i stands for the value i.</summary>
    public const string Alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    /// <summary>The length of every timestamp.</summary>
    public const int Length = 16;

    /// <summary>"No timestamp": sorts below every real one.</summary>
    public const string None = "";

    private const int TimeChars = 7;
    private const int CounterChars = 4;
    private const int ClientChars = 5;

    /// <summary>The largest counter value a timestamp can carry (2^24 - 1).</summary>
    public const int MaxCounter = (1 << 24) - 1;

    /// <summary>The largest time a timestamp can carry (2^42 - 1 milliseconds).</summary>
    public const long MaxTime = (1L << 42) - 1;

    private static readonly sbyte[] Values = BuildValues();

    /// <summary>Builds a timestamp from its three parts.</summary>
    public static string Encode(long time, int counter, int clientId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(time);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(time, MaxTime);
        ArgumentOutOfRangeException.ThrowIfNegative(counter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(counter, MaxCounter);
        return string.Create(Length, (time, counter, clientId), static (chars, parts) =>
        {
            Write(chars[..TimeChars], parts.time);
            Write(chars.Slice(TimeChars, CounterChars), parts.counter);
            Write(chars[(TimeChars + CounterChars)..], parts.clientId & 0x3FFFFFFF);
        });
    }

    /// <summary>Reads the time and counter of a timestamp.</summary>
    /// <returns>False when <paramref name="timestamp"/> is not a well-formed timestamp.</returns>
    public static bool TryDecode(string timestamp, out long time, out int counter)
    {
        time = 0;
        counter = 0;
        if (timestamp is null || timestamp.Length != Length)
        {
            return false;
        }

        return TryRead(timestamp.AsSpan(0, TimeChars), out time)
            && TryRead(timestamp.AsSpan(TimeChars, CounterChars), out var c)
            && TryRead(timestamp.AsSpan(TimeChars + CounterChars, ClientChars), out _)
            && (counter = (int)c) >= 0;
    }

    /// <summary>True when <paramref name="timestamp"/> is 16 characters of the alphabet.</summary>
    public static bool IsValid(string timestamp) => TryDecode(timestamp, out _, out _);

    private static void Write(Span<char> chars, long value)
    {
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 63)];
            value >>= 6;
        }
    }

    private static bool TryRead(ReadOnlySpan<char> chars, out long value)
    {
        value = 0;
        foreach (var c in chars)
        {
            var digit = c < 128 ? Values[c] : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value << 6) | (uint)digit;
        }

        return true;
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }
}
