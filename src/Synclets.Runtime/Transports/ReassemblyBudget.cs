namespace Synclets.Transports;

/// <summary>
/// How much text (UTF-16 units) partly received messages may hold, shared by every transport
/// whose <see cref="TransportOptions.SharedBudget"/> is this instance: a server gives all its
/// rooms one, so its memory for reassembly has one ceiling however many connections there are.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ReassemblyBudget
{
    private long _used;

    /// <summary>Creates a budget of <paramref name="maxLength"/> UTF-16 units (two bytes each).</summary>
    public ReassemblyBudget(long maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        MaxLength = maxLength;
    }

    /// <summary>The most text partial messages may hold together.</summary>
    public long MaxLength { get; }

    /// <summary>The text they hold now.</summary>
    public long Used => Interlocked.Read(ref _used);

    internal bool TryReserve(long length)
    {
        if (Interlocked.Add(ref _used, length) <= MaxLength)
        {
            return true;
        }

        Interlocked.Add(ref _used, -length);
        return false;
    }

    internal void Release(long length) => Interlocked.Add(ref _used, -length);
}
