using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Synclets.Sqlite;

// A row's timestamps as the store keeps them for a unit of work: one slot per column.
public sealed partial class TypedSqliteStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>
    /// A row's timestamps by column bit (null: never written), readable as a dictionary by column
    /// id for the engine. A slot array, not a dictionary: a received batch keeps one of these per
    /// row for its whole unit of work, and a dictionary of ten cost four times the memory.
    /// </summary>
    private sealed class RowTimestamps(TypedSqliteStore<TRow> store) : IReadOnlyDictionary<string, string>
    {
        private readonly string?[] _byBit = new string?[store._columns.Length];

        public string? this[int bit]
        {
            get => _byBit[bit];
            set => _byBit[bit] = value;
        }

        public string this[string key] => TryGetValue(key, out var timestamp) ? timestamp : throw new KeyNotFoundException($"Column '{key}' has no timestamp in this row.");

        public IEnumerable<string> Keys => this.Select(pair => pair.Key);

        public IEnumerable<string> Values => this.Select(pair => pair.Value);

        public int Count => _byBit.Count(timestamp => timestamp is not null);

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
        {
            value = store._columnIndex.TryGetValue(key, out var column) ? _byBit[column.Bit] : null;
            return value is not null;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            for (var bit = 0; bit < _byBit.Length; bit++)
            {
                if (_byBit[bit] is { } timestamp)
                {
                    yield return new(store._columns[bit], timestamp);
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
