namespace Synclets.Connectors;

/// <summary>
/// A tree of fixed depth held in nested dictionaries, shared by the memory data and meta
/// connectors. Each branch also carries a hash that the meta connector keeps up to date.
/// </summary>
/// <typeparam name="TLeaf">What an atom address holds: an atom, or a timestamp.</typeparam>
internal sealed class MemoryTree<TLeaf>
{
    private readonly Branch _root = new();

    public MemoryTree(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        Depth = depth;
    }

    public int Depth { get; }

    public bool TryGetLeaf(IReadOnlyList<string> address, out TLeaf leaf)
    {
        var branch = Find(address, address.Count - 1);
        if (branch?.Leaves is { } leaves && leaves.TryGetValue(address[^1], out leaf!))
        {
            return true;
        }

        leaf = default!;
        return false;
    }

    /// <summary>Writes a leaf; a non-empty <paramref name="path"/> receives the branches from the root down, for hash upkeep.</summary>
    public bool SetLeaf(IReadOnlyList<string> address, TLeaf leaf, Span<Branch> path, out TLeaf previous)
    {
        var branch = _root;
        var trackPath = !path.IsEmpty;
        if (trackPath)
        {
            path[0] = branch;
        }

        for (var level = 0; level < address.Count - 1; level++)
        {
            branch.Branches ??= new(StringComparer.Ordinal);
            if (!branch.Branches.TryGetValue(address[level], out var child))
            {
                child = new Branch();
                branch.Branches.Add(address[level], child);
            }

            branch = child;
            if (trackPath)
            {
                path[level + 1] = branch;
            }
        }

        branch.Leaves ??= new(StringComparer.Ordinal);
        var existed = branch.Leaves.TryGetValue(address[^1], out previous!);
        branch.Leaves[address[^1]] = leaf;
        return existed;
    }

    /// <summary>Removes a leaf and prunes the branches it leaves empty.</summary>
    public bool RemoveLeaf(IReadOnlyList<string> address)
    {
        Span<Branch?> path = new Branch?[address.Count];
        var branch = _root;
        for (var level = 0; level < address.Count - 1; level++)
        {
            path[level] = branch;
            if (branch.Branches is null || !branch.Branches.TryGetValue(address[level], out branch))
            {
                return false;
            }
        }

        if (branch.Leaves is null || !branch.Leaves.Remove(address[^1]))
        {
            return false;
        }

        for (var level = address.Count - 2; level >= 0 && branch.IsEmpty; level--)
        {
            var parent = path[level]!;
            parent.Branches!.Remove(address[level]);
            branch = parent;
        }

        return true;
    }

    /// <summary>Removes a whole top-level branch (or leaf, at depth 1).</summary>
    public bool RemoveBranch(string id) =>
        Depth == 1 ? _root.Leaves?.Remove(id) == true : _root.Branches?.Remove(id) == true;

    public Branch? Find(IReadOnlyList<string> address, int length)
    {
        var branch = _root;
        for (var level = 0; level < length; level++)
        {
            if (branch.Branches is null || !branch.Branches.TryGetValue(address[level], out branch))
            {
                return null;
            }
        }

        return branch;
    }

    public IReadOnlyCollection<string> ChildIds(IReadOnlyList<string> address)
    {
        if (address.Count >= Depth)
        {
            return [];
        }

        var branch = Find(address, address.Count);
        if (branch is null)
        {
            return [];
        }

        return address.Count == Depth - 1
            ? (IReadOnlyCollection<string>?)branch.Leaves?.Keys ?? []
            : (IReadOnlyCollection<string>?)branch.Branches?.Keys ?? [];
    }

    public IReadOnlyDictionary<string, TLeaf> Leaves(IReadOnlyList<string> parentAddress)
    {
        if (parentAddress.Count != Depth - 1)
        {
            throw new ArgumentException($"Bulk reads take a parent one level above the atoms ({Depth - 1} ids), not {parentAddress.Count}.", nameof(parentAddress));
        }

        return Find(parentAddress, parentAddress.Count)?.Leaves ?? (IReadOnlyDictionary<string, TLeaf>)EmptyLeaves;
    }

    private static readonly Dictionary<string, TLeaf> EmptyLeaves = [];

    /// <summary>The leaves that <paramref name="select"/> picks, each with an address of its own.</summary>
    public List<(string[] Address, TLeaf Leaf)> FindLeaves(Func<TLeaf, bool> select)
    {
        var found = new List<(string[], TLeaf)>();
        var path = new List<string>(Depth);
        Visit(_root);
        return found;

        void Visit(Branch branch)
        {
            foreach (var (id, leaf) in branch.Leaves ?? EmptyLeaves)
            {
                if (select(leaf))
                {
                    found.Add(([.. path, id], leaf));
                }
            }

            foreach (var (id, child) in branch.Branches ?? [])
            {
                path.Add(id);
                Visit(child);
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    /// <summary>One parent address: child branches above the last level, leaves at it.</summary>
    internal sealed class Branch
    {
        public Dictionary<string, Branch>? Branches { get; set; }

        public Dictionary<string, TLeaf>? Leaves { get; set; }

        public uint Hash { get; set; }

        /// <summary>The change log's number of the newest write below this branch (see <see cref="MemoryMetaConnector"/>'s <see cref="IChangeLog"/>).</summary>
        public long Sequence { get; set; }

        public bool IsEmpty => (Branches is null || Branches.Count == 0) && (Leaves is null || Leaves.Count == 0);
    }
}
