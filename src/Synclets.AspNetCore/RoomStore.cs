using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>
/// A stored room's own synclet, as the server options describe it: its storage from the
/// <see cref="SyncletsServerOptions.StoreFactory"/>, its hooks with the access rules and the
/// read-only guard on top, its transport on the room's hub. One place builds it, whether the room
/// lives in this process or in a cluster's room grain.
/// </summary>
internal sealed class RoomStore
{
    private RoomStore(Synclet synclet, Transport transport, IAsyncDisposable? owner)
    {
        Synclet = synclet;
        Transport = transport;
        Owner = owner;
    }

    public Synclet Synclet { get; }

    /// <summary>The synclet's transport on the room's hub (its flow control is the room's).</summary>
    public Transport Transport { get; }

    /// <summary>What to dispose once the synclet has stopped (a SQLite store, say).</summary>
    public IAsyncDisposable? Owner { get; }

    /// <summary>
    /// Opens and starts room <paramref name="name"/>'s store on <paramref name="hub"/>, or returns
    /// null for a relay-only room. <paramref name="userOf"/> and <paramref name="isReadOnly"/> say
    /// who a peer (a connection id) is.
    /// </summary>
    /// <exception cref="InvalidOperationException">The room has no store but access rules are set.</exception>
    public static async Task<RoomStore?> OpenAsync(
        string name,
        SyncletsServerOptions options,
        IServiceProvider services,
        ILoggerFactory loggers,
        System.Diagnostics.Metrics.IMeterFactory? meters,
        PacketHub hub,
        Func<string, ClaimsPrincipal?> userOf,
        Func<string, bool> isReadOnly,
        CancellationToken cancellationToken)
    {
        var storage = options.StoreFactory is null ? null : await options.StoreFactory(name, services, cancellationToken).ConfigureAwait(false);
        if (storage is null)
        {
            if (options.AccessRules is not null)
            {
                // A relay room forwards packets it cannot read: the rules could not hold there.
                throw new InvalidOperationException($"Room '{name}' has no store (the StoreFactory gave none), but SyncletsServerOptions.AccessRules are set: access rules are enforced by a room's store, so every room must have one.");
            }

            return null;
        }

        var hooks = options.HooksFactory?.Invoke(name, services) ?? SyncletHooks.AllowAll;
        if (options.AccessRules is { } rules)
        {
            hooks = new AccessRuleHooks(hooks, rules, userOf);
        }

        if (options.IsReadOnly is not null)
        {
            hooks = new ReadOnlyGuardHooks(hooks, isReadOnly);
        }

        var transport = hub.CreateTransport(options.RoomTransport);
        var synclet = new Synclet(storage.Data, storage.Meta, transport, new SyncletOptions
        {
            Id = Ids.ServerId,
            LoggerFactory = loggers,
            MeterFactory = meters,
            Hooks = hooks,
            MaxQueuedBytes = options.MaxQueuedBytesPerRoom,
            KeepTombstonesFor = options.KeepTombstonesFor,
        });
        try
        {
            await synclet.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await synclet.DisposeAsync().ConfigureAwait(false);
            if (storage.Owner is not null)
            {
                await storage.Owner.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new RoomStore(synclet, transport, storage.Owner);
    }

    /// <summary>Lets the synclet apply what it has queued, then stops it (stopping applies nothing more) and disposes its storage.</summary>
    public async ValueTask CloseAsync()
    {
        await Synclet.WhenIdleAsync().ConfigureAwait(false);
        await Synclet.DisposeAsync().ConfigureAwait(false);
        if (Owner is not null)
        {
            await Owner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
