using System.Text;

namespace Synclets.Protocol;

/// <summary>
/// One <see cref="StringBuilder"/> per thread for writing message text, taken and given back: a
/// streamed reply writes hundreds of ~100 KB messages, and a builder grown from nothing to that
/// size for each one allocated more (a chunk object and array per 8,000 characters) than the text.
/// A builder taken on one thread and given back on another (after an await) simply moves.
/// </summary>
internal static class TextBuilderCache
{
    /// <summary>Builders up to this capacity are kept; a larger one was for a rare huge message.</summary>
    private const int MaxCachedCapacity = 1 << 20;

    [ThreadStatic]
    private static StringBuilder? t_cached;

    /// <summary>An empty builder: this thread's cached one if it has one, else a new one.</summary>
    public static StringBuilder Acquire()
    {
        var builder = t_cached ?? new StringBuilder(256);
        t_cached = null;
        return builder.Clear();
    }

    /// <summary>Gives a builder back for the next <see cref="Acquire"/> on this thread; do not use it afterwards.</summary>
    public static void Release(StringBuilder builder)
    {
        if (builder.Capacity <= MaxCachedCapacity)
        {
            t_cached = builder;
        }
    }
}
