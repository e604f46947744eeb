namespace Synclets.Sqlite.Tests.Unindexed;

/// <summary>The query tests' Chore as an earlier version of an app had it: the same table, no indexes.</summary>
[SyncTree(depth: 2)]
public partial record Chore(string Id, string? Title, bool Done, int Priority, DateOnly? Due, double? Score);
