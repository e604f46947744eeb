using System.CommandLine;
using Synclets.Cli;

var root = new RootCommand("Synclets for .NET: run a sync server, sync a SQLite store with one, or inspect a store.")
{
    ServeCommand.Create(),
    SyncCommand.Create(),
    InspectCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
