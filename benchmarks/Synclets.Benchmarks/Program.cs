// Two entry points:
//   dotnet run -c Release --project benchmarks/Synclets.Benchmarks -- scenarios [--filter TEXT]... [--atoms N]
//     end-to-end syncs, one JSON object per line per result;
//   dotnet run -c Release --project benchmarks/Synclets.Benchmarks -- [BenchmarkDotNet arguments]
//     micro-benchmarks of the hot paths (clock, hash, codec, fragmenting).
using BenchmarkDotNet.Running;
using Synclets.Benchmarks.Scenarios;

if (args.Length > 0 && args[0] == "scenarios")
{
    return await ScenarioRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "room-server")
{
    return await RoomServerProcess.ServeAsync(typed: args.Length > 1 && args[1] == "typed"); // The server process of the many-clients and chain scenarios.
}

if (args is ["cold-sync", var atoms])
{
    return await ColdProcessScenario.ChildAsync(long.Parse(atoms, System.Globalization.CultureInfo.InvariantCulture)); // A fresh process's first sync.
}

BenchmarkSwitcher.FromAssembly(typeof(ScenarioRunner).Assembly).Run(args);
return 0;
