using System.Globalization;

namespace Synclets.AspNetCore;

/// <summary>What makes a room name acceptable: short, and text a file name or a log line can hold.</summary>
internal static class RoomName
{
    /// <summary>Why <paramref name="name"/> cannot name a room, or null when it can.</summary>
    public static string? Problem(string name, int maxLength)
    {
        if (name.Length == 0)
        {
            return "A room name is required: connect to /sync/{room}.";
        }

        if (name.Length > maxLength)
        {
            return $"A room name has at most {maxLength} characters; this one has {name.Length}.";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c))
            {
                return $"A room name may not hold control characters (U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)} at {i}).";
            }

            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[++i])))
            {
                return "A room name may not hold half of a surrogate pair.";
            }
        }

        return null;
    }
}
