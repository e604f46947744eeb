using System.Text;

namespace Synclets.Generators.Emit;

/// <summary>Writes indented C#: one line at a time, braces open and close blocks.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
        }

        _builder.Append(text).Append('\n');
        return this;
    }

    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string closer = "}")
    {
        _indent--;
        return Line(closer);
    }

    public override string ToString() => _builder.ToString();
}
