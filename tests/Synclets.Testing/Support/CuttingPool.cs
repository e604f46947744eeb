using Synclets.Transports;

namespace Synclets.Tests.Support;

/// <summary>
/// A memory pool whose connection can drop in the middle of a change feed: armed with
/// <see cref="CutAfter"/>, it delivers that many more feed batches (and what comes between), then
/// nothing at all, as a dead socket; <see cref="Mend"/> connects it again.
/// </summary>
public sealed class CuttingPool : PacketHub
{
    private int _left = int.MaxValue;

    /// <summary>Delivers <paramref name="batches"/> more feed batches (and what comes between), then nothing.</summary>
    public void CutAfter(int batches) => Volatile.Write(ref _left, batches);

    /// <summary>Delivers everything again.</summary>
    public void Mend() => Volatile.Write(ref _left, int.MaxValue);

    /// <inheritdoc/>
    protected override void Deliver(IHubMember member, string packet)
    {
        // A feed batch's context names how many atoms are left ("\uFFFAleft"): counting those counts batches.
        if (Volatile.Read(ref _left) <= 0 || (packet.Contains("\uFFFAleft", StringComparison.Ordinal) && Interlocked.Decrement(ref _left) < 0))
        {
            return;
        }

        InFlight.Enter();
        try
        {
            member.Receive(packet);
        }
        finally
        {
            InFlight.Exit();
        }
    }
}
