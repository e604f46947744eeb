using Synclets.Protocol;

namespace Synclets.Tests.Protocol;

/// <summary>U+2028 and U+2029 go out escaped: the reference's packet parser drops a whole message holding them raw.</summary>
public class LineSeparatorTests
{
    [Theory]
    [InlineData("\u2028", "\\u2028")]
    [InlineData("a\u2029b", "a\\u2029b")]
    public void Line_separators_are_written_escaped_and_read_back_as_they_were(string text, string escaped)
    {
        var message = new Message(1, [text], new TimestampAndAtomNode("OhqqeV-----BT7zq", text), Message.EmptyContext);
        var written = MessageWriter.Write(message);

        Assert.Equal($"[1,0,1,[\"{escaped}\"],[\"OhqqeV-----BT7zq\",\"{escaped}\"],{{}}]", written);
        Assert.DoesNotContain('\u2028', written);
        Assert.DoesNotContain('\u2029', written);
        var read = MessageReader.Read(written, 1);
        Assert.Equal(text, read.Address[0]);
        Assert.Equal(text, ((TimestampAndAtomNode)read.Node).Atom.AsString());
    }
}
