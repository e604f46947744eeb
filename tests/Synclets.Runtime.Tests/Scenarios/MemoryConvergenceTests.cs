using Synclets.Connectors;

namespace Synclets.Tests.Scenarios;

/// <summary>The scenarios over memory connectors.</summary>
public sealed class MemoryConvergenceTests : ConvergenceSuite
{
    protected override (IDataConnector Data, IMetaConnector Meta) CreateStorage(int depth) =>
        (new MemoryDataConnector(depth), new MemoryMetaConnector(depth));
}
