using System.Text;

namespace Synclets.Generators.Shape;

/// <summary>The naming policies of <c>SyncNaming</c>: how property names become ids.</summary>
internal static class Naming
{
    public const int AsWritten = 0;
    public const int CamelCase = 1;
    public const int SnakeCase = 2;

    public static string Apply(int policy, string name) => policy switch
    {
        CamelCase => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1),
        SnakeCase => ToSnakeCase(name),
        _ => name,
    };

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
