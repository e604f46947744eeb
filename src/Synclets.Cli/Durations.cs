using System.Globalization;

namespace Synclets.Cli;

/// <summary>Durations as a person types them on a command line: a number and a unit (30d, 12h, 90m, 45s).</summary>
internal static class Durations
{
    /// <summary>The duration <paramref name="text"/> names, or null when it is not a positive one of that form.</summary>
    public static TimeSpan? TryParse(string text)
    {
        if (text.Length < 2 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !(amount > 0) || double.IsInfinity(amount))
        {
            return null;
        }

        try
        {
            return char.ToLowerInvariant(text[^1]) switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                _ => null,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
