using System.Globalization;

namespace Synclets.Transports;

/// <summary>
/// The packet format: <c>&lt;to&gt; &lt;messageId&gt; &lt;index&gt; &lt;total&gt; &lt;fragment&gt;</c>.
/// Whatever carries a packet replaces its first token with the sender's id.
/// </summary>
internal static class Packet
{
    /// <summary>The <c>to</c> token that addresses every peer.</summary>
    public const string Everyone = "*";

    /// <summary>Cuts a message's text into packets of at most <paramref name="fragmentSize"/> UTF-16 units of text each, never inside a surrogate pair.</summary>
    public static IEnumerable<string> Split(string to, string messageText, int fragmentSize, string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        return Parts(to, messageText.AsMemory(), fragmentSize, messageId).Select(part => string.Concat(part.Header.AsSpan(), part.Fragment.Span));
    }

    /// <summary>
    /// The packets of a message, each as its header (<c>&lt;to&gt; &lt;messageId&gt; &lt;index&gt; &lt;total&gt; </c>)
    /// and its fragment of the text, not yet joined: a transport that encodes or readdresses
    /// them writes the two once instead of copying a joined packet again.
    /// </summary>
    internal static IEnumerable<(string Header, ReadOnlyMemory<char> Fragment)> Parts(string to, ReadOnlyMemory<char> messageText, int fragmentSize, string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfLessThan(fragmentSize, 2);
        return PartsIterator(to, messageText, fragmentSize, messageId ?? NewMessageId());
    }

    private static IEnumerable<(string Header, ReadOnlyMemory<char> Fragment)> PartsIterator(string to, ReadOnlyMemory<char> messageText, int fragmentSize, string messageId)
    {
        var cuts = Cuts(messageText.Span, fragmentSize);
        var total = cuts.Count;
        var prefix = string.Concat(to, " ", messageId, " ");
        var totalText = total.ToString(CultureInfo.InvariantCulture);
        var start = 0;
        for (var index = 0; index < total; index++)
        {
            var end = cuts[index];
            yield return (string.Concat(prefix, index.ToString(CultureInfo.InvariantCulture), " ", totalText, " "), messageText[start..end]);
            start = end;
        }
    }

    /// <summary>A new random 16-character message id over the timestamp alphabet.</summary>
    public static string NewMessageId() =>
        string.Create(16, 0, static (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Timestamp.Alphabet[Random.Shared.Next(64)];
            }
        });

    /// <summary>Replaces the first token of a packet (its <c>to</c>) with <paramref name="from"/>.</summary>
    /// <returns>False when the packet has no space at all.</returns>
    public static bool TryReaddress(string packet, string from, out string to, out string readdressed)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var space = packet.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            to = readdressed = string.Empty;
            return false;
        }

        to = packet[..space];
        readdressed = string.Concat(from, packet.AsSpan(space));
        return true;
    }

    /// <summary>
    /// A packet given as its header and fragment, readdressed from <paramref name="from"/> (see
    /// <see cref="TryReaddress"/>) in one copy; <paramref name="to"/> is the header's first token.
    /// </summary>
    internal static string Readdress(string header, ReadOnlySpan<char> fragment, string from, out string to)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        to = header[..space];
        return string.Concat(from.AsSpan(), header.AsSpan(space), fragment);
    }

    /// <summary>Reads the header of a received packet (whose first token is the sender).</summary>
    internal static bool TryParse(string packet, out ReceivedFragment fragment, out string error)
    {
        fragment = default;
        var span = packet.AsSpan();
        Span<int> spaces = stackalloc int[4];
        var found = 0;
        for (var i = 0; i < span.Length && found < 4; i++)
        {
            if (span[i] == ' ')
            {
                spaces[found++] = i;
            }
        }

        if (found < 4)
        {
            error = "it does not have the five parts '<from> <messageId> <index> <total> <fragment>'";
            return false;
        }

        var from = packet[..spaces[0]];
        var messageId = packet[(spaces[0] + 1)..spaces[1]];
        if (from.Length == 0 || messageId.Length == 0)
        {
            error = "its sender or message id is empty";
            return false;
        }

        if (!int.TryParse(span[(spaces[1] + 1)..spaces[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(span[(spaces[2] + 1)..spaces[3]], NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            || total < 1 || index >= total)
        {
            error = "its fragment index and total are not numbers with 0 <= index < total";
            return false;
        }

        fragment = new ReceivedFragment(from, messageId, index, total, packet.AsMemory(spaces[3] + 1)); // A slice, not a copy: a whole message is often one packet.
        error = string.Empty;
        return true;
    }

    private static List<int> Cuts(ReadOnlySpan<char> text, int fragmentSize)
    {
        var cuts = new List<int>(Math.Max(1, (text.Length / fragmentSize) + 1));
        var start = 0;
        do
        {
            var end = Math.Min(text.Length, start + fragmentSize);
            if (end < text.Length && char.IsHighSurrogate(text[end - 1]) && char.IsLowSurrogate(text[end]))
            {
                end--; // Never split a surrogate pair across fragments.
            }

            cuts.Add(end);
            start = end;
        }
        while (start < text.Length);
        return cuts;
    }
}

/// <summary>One parsed fragment of a received message.</summary>
internal readonly record struct ReceivedFragment(string From, string MessageId, int Index, int Total, ReadOnlyMemory<char> Text);
