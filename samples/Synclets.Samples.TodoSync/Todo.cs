using Synclets;

namespace TodoSync;

/// <summary>A todo: one row of the synced table. The generator writes its mapping and typed store.</summary>
[SyncTree(depth: 2, Naming = SyncNaming.CamelCase)]
public partial record Todo([property: SyncKey] string Id, string Title, bool Done, DateOnly? Due);
