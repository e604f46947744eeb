using System.Globalization;
using System.Text;

namespace Synclets;

/// <summary>
/// The change feed's words: context keys of protocol version 1 messages (reserved: no peer's data
/// uses them, and a JavaScript peer ignores keys it does not know), and how their values are
/// written. The protocol is in docs/concepts.md, "Reconnects that cost what changed".
/// </summary>
internal static class FeedWire
{
    /// <summary>
    /// On a root hash: the sender keeps a change log, here at <c>"epoch:sequence"</c>. Alone it
    /// states where the sender stands (its root hash is the node); on a feed batch it is how far
    /// the feed has come.
    /// </summary>
    public const string LogKey = "\uFFFAlog";

    /// <summary>On a root hash with <see cref="LogKey"/>: how far the sender has applied others' logs, <c>"epoch:sequence"</c> separated by spaces.</summary>
    public const string SeenKey = "\uFFFAseen";

    /// <summary>
    /// On a feed batch: the position it follows on from (the feed's start, or the previous batch's);
    /// on the root hash that ends a feed, the last batch's. A receiver records a position only when
    /// it holds the one it follows on from, so a batch it failed to store is never skipped.
    /// </summary>
    public const string SinceKey = "\uFFFAsince";

    /// <summary>On a feed batch: how many atoms are still to come after it (a progress bar's remaining).</summary>
    public const string LeftKey = "\uFFFAleft";

    /// <summary>On the root hash that ends a feed: how many atoms the feed carried.</summary>
    public const string FedKey = "\uFFFAfed";

    /// <summary>
    /// On a root hash with <see cref="LogKey"/>, after a sync that fell back to comparing hashes:
    /// "if your tree is now mine, record where I stand" (and answer with where you stand). A
    /// receiver whose hash differs does nothing: a settle never starts a sync.
    /// </summary>
    public const string SettleKey = "\uFFFAsettle";

    /// <summary>How many checkpoints a root hash names at most (the most recent): a relay room's peers each have one.</summary>
    public const int MaxSeen = 16;

    /// <summary>True when <paramref name="key"/> is one of the feed's words (never passed on with what a message applied).</summary>
    public static bool IsFeedKey(string key) => key is LogKey or SeenKey or SinceKey or LeftKey or FedKey or SettleKey;

    public static string Position(string epoch, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{epoch}:{sequence}");

    /// <summary>The longest epoch taken from a peer: ours are 12 characters; anything much longer is not an epoch.</summary>
    private const int MaxEpochLength = 32;

    private static readonly System.Buffers.SearchValues<char> EpochCharacters = System.Buffers.SearchValues.Create(Timestamp.Alphabet);

    /// <summary>Reads an <c>"epoch:sequence"</c> value (an epoch of the timestamp alphabet, a whole number); false for anything else.</summary>
    public static bool TryReadPosition(ReadOnlySpan<char> text, out string epoch, out long sequence)
    {
        var colon = text.IndexOf(':');
        epoch = string.Empty;
        sequence = 0;
        if (colon <= 0 || colon > MaxEpochLength || text[..colon].ContainsAnyExcept(EpochCharacters)
            || !long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
        {
            return false;
        }

        epoch = text[..colon].ToString();
        return true;
    }

    /// <summary>The position under <paramref name="key"/> of a received context, if it holds one.</summary>
    public static bool TryReadPosition(IReadOnlyDictionary<string, Atom> context, string key, out string epoch, out long sequence)
    {
        epoch = string.Empty;
        sequence = 0;
        return context.TryGetValue(key, out var value) && value.Kind == AtomKind.String && TryReadPosition(value.AsString(), out epoch, out sequence);
    }

    /// <summary>A whole non-negative number under <paramref name="key"/>, if there is one.</summary>
    public static long? ReadCount(IReadOnlyDictionary<string, Atom> context, string key) =>
        context.TryGetValue(key, out var value) && value.Kind == AtomKind.Number && value.AsNumber() is >= 0 and <= 9007199254740991 and var number && number == Math.Floor(number)
            ? (long)number
            : null;

    /// <summary>The sequence the sender holds for <paramref name="epoch"/> in its <see cref="SeenKey"/> list, or null when it names none.</summary>
    public static long? SeenOf(IReadOnlyDictionary<string, Atom> context, string epoch)
    {
        if (!context.TryGetValue(SeenKey, out var value) || value.Kind != AtomKind.String)
        {
            return null;
        }

        foreach (var range in value.AsString().AsSpan().Split(' '))
        {
            if (TryReadPosition(value.AsString().AsSpan()[range], out var seenEpoch, out var sequence) && seenEpoch == epoch)
            {
                return sequence;
            }
        }

        return null;
    }

    /// <summary>A <see cref="SeenKey"/> list: the given checkpoints, the highest numbers first when there are too many.</summary>
    public static string Seen(IEnumerable<KeyValuePair<string, long>> checkpoints)
    {
        var text = new StringBuilder();
        foreach (var (epoch, sequence) in checkpoints.OrderByDescending(checkpoint => checkpoint.Value).Take(MaxSeen))
        {
            text.Append(text.Length == 0 ? string.Empty : " ").Append(Position(epoch, sequence));
        }

        return text.ToString();
    }
}
