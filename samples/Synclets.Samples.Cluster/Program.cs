// Three nodes of a Synclets cluster on this machine, a few clients in one room, and one node
// killed on the way: run it with `dotnet run --project samples/Synclets.Samples.Cluster`.
//
// With arguments `node ...` the same program is one node (the demo starts three of itself so).
using Synclets.Samples.Cluster;

return args is ["node", .. var rest]
    ? await Node.RunAsync(NodeSettings.Parse(rest))
    : await Demo.RunAsync();
