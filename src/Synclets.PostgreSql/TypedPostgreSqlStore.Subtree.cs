using System.Runtime.CompilerServices;
using Synclets.Connectors;

namespace Synclets.PostgreSql;

// A subtree in one pass: the meta and data rows joined, a page of rows at a time.
public sealed partial class TypedPostgreSqlStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>Rows read per page of <see cref="ReadSubtreeAsync"/>.</summary>
    private const int SubtreePage = 2000;

    /// <inheritdoc/>
    /// <remarks>
    /// Pages of rows in key order, each read whole before its atoms are handed out: the engine may
    /// use the store between two atoms, and one connection runs one query at a time.
    /// </remarks>
    public async IAsyncEnumerable<SubtreeAtom> ReadSubtreeAsync(IReadOnlyList<string> parentAddress, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (parentAddress.Count > 1)
        {
            yield break;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var timestamps = string.Join(", ", _columns.Select(c => "m." + PostgreSqlSchema.Quote(c.Id)));
        var values = string.Join(", ", _columns.Select(c => c.Select("d." + PostgreSqlSchema.Quote(c.Id))));
        var select = $"SELECT m.{_key}, {timestamps}, {values}, d.\"absent\" FROM {_meta} m LEFT JOIN {_table} d ON d.{_key} = m.{_key}";
        var absentAt = 1 + (2 * _columns.Length);
        var page = new List<SubtreeAtom>();
        string? after = null;
        do
        {
            page.Clear();
            string? last = null;
            var (where, parameters) = parentAddress.Count == 1 ? ($" WHERE m.{_key} = $1", new object[] { parentAddress[0] })
                : after is null ? (string.Empty, [])
                : ($" WHERE m.{_key} > $1", new object[] { after });
            var rows = 0;
            await _session.ReadAsync($"{select}{where} ORDER BY m.{_key} LIMIT {SubtreePage}", reader =>
            {
                rows++;
                var rowId = last = reader.GetString(0);
                var absent = reader.IsDBNull(absentAt) ? _allMask : reader.GetInt64(absentAt);
                for (var bit = 0; bit < _columns.Length; bit++)
                {
                    if (!reader.IsDBNull(1 + bit))
                    {
                        var atom = ((absent >> bit) & 1) == 1 ? Atom.Absent : _columns[bit].Read(reader, 1 + _columns.Length + bit);
                        page.Add(new SubtreeAtom(new[] { rowId, _columns[bit].Id }, reader.GetString(1 + bit), atom));
                    }
                }
            }, cancellationToken, parameters).ConfigureAwait(false);
            foreach (var atom in page)
            {
                yield return atom;
            }

            after = rows == SubtreePage && parentAddress.Count == 0 ? last : null;
        }
        while (after is not null);
    }
}
