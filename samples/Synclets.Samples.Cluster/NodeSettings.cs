namespace Synclets.Samples.Cluster;

/// <summary>How one node runs: its ports, where the rooms' stores are, and how the nodes find each other.</summary>
/// <param name="HttpPort">The port of its WebSocket endpoint (/sync/{room}).</param>
/// <param name="SiloPort">The port its Orleans silo talks to the other silos on.</param>
/// <param name="PrimarySiloPort">Localhost clustering only: the silo port of the node that keeps the membership.</param>
/// <param name="Rooms">Localhost clustering only: the folder of the rooms' SQLite files, one per room, shared by every node.</param>
/// <param name="Postgres">A PostgreSQL connection string: the cluster's membership and the rooms' stores (a schema each) are there.</param>
/// <param name="ClusterId">The cluster's name, the same on every node.</param>
public sealed record NodeSettings(int HttpPort, int SiloPort, int PrimarySiloPort, string? Rooms, string? Postgres, string ClusterId)
{
    /// <summary>Reads <c>--http-port N --silo-port N [--primary-port N --rooms DIR | --postgres CS] [--cluster ID]</c>.</summary>
    public static NodeSettings Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        int Port(string name) => values.TryGetValue(name, out var text) && int.TryParse(text, out var port) ? port : throw new ArgumentException($"A node needs {name} N.");
        var postgres = values.GetValueOrDefault("--postgres");
        return new NodeSettings(
            Port("--http-port"),
            Port("--silo-port"),
            postgres is null ? Port("--primary-port") : 0,
            values.GetValueOrDefault("--rooms") ?? (postgres is null ? throw new ArgumentException("A node needs --rooms DIR or --postgres CONNECTION-STRING.") : null),
            postgres,
            values.GetValueOrDefault("--cluster") ?? "synclets-sample");
    }

    /// <summary>The arguments that give these settings back.</summary>
    public IEnumerable<string> ToArgs()
    {
        yield return "node";
        yield return "--http-port";
        yield return HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--silo-port";
        yield return SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--cluster";
        yield return ClusterId;
        if (Postgres is not null)
        {
            yield return "--postgres";
            yield return Postgres;
        }
        else
        {
            yield return "--primary-port";
            yield return PrimarySiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return "--rooms";
            yield return Rooms!;
        }
    }
}
