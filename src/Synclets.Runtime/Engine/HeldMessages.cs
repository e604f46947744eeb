using System.Buffers;
using Synclets.Transports;

namespace Synclets;

/// <summary>
/// The messages a unit of work sends after its first write, held until its transaction commits
/// (then sent, in order) or rolls back (then dropped): a peer must never hear of a write that did
/// not become durable, or it comes back later as the newer value. Each text is copied into a
/// pooled buffer, as a streamed reply's text lives in a buffer that is reused for the next message.
/// </summary>
internal sealed class HeldMessages
{
    private readonly List<Held> _held = [];

    /// <summary>True while the unit of work has written and so holds what it sends.</summary>
    public bool Holding { get; private set; }

    /// <summary>The unit of work has written (or is about to).</summary>
    public void StartHolding() => Holding = true;

    public void Hold(Transport transport, string to, ReadOnlySpan<char> text, string? exceptPeer)
    {
        var copy = ArrayPool<char>.Shared.Rent(text.Length);
        text.CopyTo(copy);
        _held.Add(new Held(transport, to, copy, text.Length, exceptPeer));
    }

    /// <summary>Committed: sends each held message through <paramref name="send"/>, in order, and stops holding.</summary>
    public async ValueTask ReleaseAsync(Func<Transport, string, ReadOnlyMemory<char>, string?, ValueTask> send)
    {
        Holding = false;
        try
        {
            foreach (var held in _held)
            {
                await send(held.Transport, held.To, held.Text.AsMemory(0, held.Length), held.ExceptPeer).ConfigureAwait(false);
            }
        }
        finally
        {
            Drop();
        }
    }

    /// <summary>Rolled back: forgets what was held.</summary>
    public void Drop()
    {
        Holding = false;
        foreach (var held in _held)
        {
            ArrayPool<char>.Shared.Return(held.Text);
        }

        _held.Clear();
    }

    private readonly record struct Held(Transport Transport, string To, char[] Text, int Length, string? ExceptPeer);
}
