namespace Synclets.Generators.Tests.Support;

/// <summary>User code for the tests: each shape, and every supported property type.</summary>
public static class Sources
{
    public const string Todo = """
        using System;
        using Synclets;

        namespace App;

        [SyncTree(depth: 2)]
        public partial record Todo([property: SyncKey] string Id, string Title, bool Done, DateTimeOffset? Due);
        """;

    public const string Settings = """
        using Synclets;

        namespace App;

        [SyncTree(depth: 1, Naming = SyncNaming.CamelCase)]
        public partial record Settings
        {
            public string Theme { get; init; } = "light";

            public int FontSize { get; init; } = 12;

            public bool? Compact { get; init; }
        }
        """;

    public const string Workspace = """
        using Synclets;

        namespace App;

        [SyncTree(depth: 2)]
        public partial record Task(string Id, string Title);

        [SyncTree(depth: 2)]
        public partial record Tag(string Id, string Label);

        [SyncTree(depth: 3)]
        public partial class Workspace
        {
            public partial SyncTable<Task> Tasks { get; }

            [SyncColumn("labels")]
            public partial SyncTable<Tag> Tags { get; }
        }
        """;

    /// <summary>Ids that are legal data but not legal C# or XML as they are: quotes, backslashes, line breaks, markup.</summary>
    public const string OddIds = """
        using Synclets;

        namespace App;

        [SyncTree(depth: 2)]
        public partial record Odd
        {
            [SyncKey, SyncColumn("k\"ey")] public string Key { get; init; } = "";
            [SyncColumn("a\"b")] public string Quote { get; init; } = "";
            [SyncColumn("back\\slash")] public string Backslash { get; init; } = "";
            [SyncColumn("two\nlines\r")] public string Lines { get; init; } = "";
            [SyncColumn("tab\tand\u2028sep\u0000")] public string Separators { get; init; } = "";
            [SyncColumn("{braces} <tags> & \ud83d\ude00 \"\"\"")] public int Markup { get; init; }
        }

        [SyncTree(depth: 3)]
        public partial class OddBox
        {
            [SyncColumn("rows \"<&>\"\n")]
            public partial SyncTable<Odd> Rows { get; }
        }
        """;

    public const string AllTypes = """
        using System;
        using Synclets;

        namespace App;

        public enum Color { Red, Green }

        [SyncTree(depth: 2, Naming = SyncNaming.SnakeCase)]
        public partial record AllTypes
        {
            [SyncKey] public int Number { get; init; }
            public string Text { get; init; } = "";
            public string? MaybeText { get; init; }
            public bool Flag { get; init; }
            public double Double { get; init; }
            public float Single { get; init; }
            public long Long { get; init; }
            public short Short { get; init; }
            public byte Byte { get; init; }
            public uint UInt { get; init; }
            public ulong ULong { get; init; }
            public decimal DecimalAsText { get; init; }
            [SyncColumn(AsNumber = true)] public decimal DecimalAsNumber { get; init; }
            public Color ColorName { get; init; }
            [SyncColumn(AsNumber = true)] public Color ColorNumber { get; init; }
            public Guid Guid { get; init; }
            public DateTime DateTime { get; init; }
            public DateTimeOffset DateTimeOffset { get; init; }
            public DateOnly DateOnly { get; init; }
            public TimeOnly TimeOnly { get; init; }
            public int? MaybeNumber { get; init; }
            public Guid? MaybeGuid { get; init; }
            [SyncColumn("renamed")] public string Original { get; init; } = "";
            [SyncIgnore] public object? NotSynced { get; init; }
        }
        """;

    public const string Nested = """
        using Synclets;

        namespace App;

        public static partial class Outer
        {
            public partial class Inner
            {
                [SyncTree(depth: 2)]
                internal partial record Row(string Id, string Value);
            }
        }
        """;
}
