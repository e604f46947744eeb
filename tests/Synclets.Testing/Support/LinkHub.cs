using Synclets.Transports;

namespace Synclets.Tests.Support;

/// <summary>
/// A point-to-point hub that can be cut (packets dropped) and made faulty: with a seeded random
/// generator it drops, duplicates, delays and so reorders packets. Healing turns faults off and
/// delivers whatever was held back.
/// </summary>
public sealed class LinkHub(int seed) : PacketHub
{
    private readonly Random _random = new(seed);
    private readonly List<(IHubMember Member, string Packet)> _held = [];
    private readonly Lock _gate = new();

    /// <summary>False while the link is cut.</summary>
    public bool Linked { get; set; } = true;

    /// <summary>True while faults are injected.</summary>
    public bool Faulty { get; set; }

    public int Dropped { get; private set; }

    public int Duplicated { get; private set; }

    public int Delayed { get; private set; }

    /// <summary>Turns faults off, links the hub, and delivers every held packet.</summary>
    public void Heal()
    {
        List<(IHubMember Member, string Packet)> held;
        lock (_gate)
        {
            Faulty = false;
            Linked = true;
            held = [.. _held];
            _held.Clear();
        }

        foreach (var (member, packet) in held)
        {
            Hand(member, packet);
        }
    }

    protected override void Deliver(IHubMember member, string packet)
    {
        if (!Linked)
        {
            return;
        }

        if (!Faulty)
        {
            Hand(member, packet);
            return;
        }

        List<(IHubMember Member, string Packet)>? release = null;
        var copies = 1;
        lock (_gate)
        {
            var roll = _random.NextDouble();
            if (roll < 0.1)
            {
                Dropped++;
                copies = 0;
            }
            else if (roll < 0.2)
            {
                Duplicated++;
                copies = 2;
            }
            else if (roll < 0.35)
            {
                Delayed++;
                _held.Add((member, packet));
                copies = 0;
            }

            if (_held.Count > 0 && _random.NextDouble() < 0.3)
            {
                // Release a random held packet now: it arrives after packets sent later.
                var index = _random.Next(_held.Count);
                release = [_held[index]];
                _held.RemoveAt(index);
            }
        }

        for (var i = 0; i < copies; i++)
        {
            Hand(member, packet);
        }

        foreach (var (heldMember, heldPacket) in release ?? [])
        {
            Hand(heldMember, heldPacket);
        }
    }

    private void Hand(IHubMember member, string packet)
    {
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
