using Synclets.Protocol;

namespace Synclets.Tests.Protocol;

public class CodecTests
{
    [Fact]
    public void Writes_the_reference_text_of_an_atom_in_sub_nodes()
    {
        var node = new SubNodesNode { Children = { ["aa"] = new TimestampAndAtomNode("OhqqeV-----BT7zq", "A") } };
        var text = MessageWriter.Write(new Message(2, ["a"], node, Message.EmptyContext));
        Assert.Equal("""[1,0,2,["a"],[{"aa":["OhqqeV-----BT7zq","A"]}],{}]""", text);
    }

    [Fact]
    public void Writes_a_deletion_as_the_raw_U_FFFC_string()
    {
        var text = MessageWriter.Write(new Message(2, ["a", "aa"], new TimestampAndAtomNode("OhqqeV-----BT7zq", Atom.Absent), Message.EmptyContext));
        Assert.Equal("[1,0,2,[\"a\",\"aa\"],[\"OhqqeV-----BT7zq\",\"\uFFFC\"],{}]", text);
    }

    [Fact]
    public void Writes_partial_sub_nodes_hashes_and_context()
    {
        var node = new SubNodesNode(partial: true) { Children = { ["x"] = new HashNode(4294967295) } };
        var context = new Dictionary<string, Atom> { ["token"] = "t", ["n"] = 1.5, ["ok"] = true, ["none"] = Atom.Null };
        Assert.Equal("""[1,0,3,[],[{"x":4294967295},1],{"token":"t","n":1.5,"ok":true,"none":null}]""", MessageWriter.Write(new Message(3, [], node, context)));
    }

    [Theory]
    [InlineData(0d, "0")]
    [InlineData(1d, "1")]
    [InlineData(-42d, "-42")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.2345e-7, "1.2345e-7")]
    [InlineData(123456789012345680000d, "123456789012345680000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(9007199254740993d, "9007199254740992")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(123.456, "123.456")]
    public void Writes_numbers_as_JavaScript_does(double value, string expected) =>
        Assert.Equal(expected, Atom.FromNumber(value).ToString());

    [Fact]
    public void Writes_negative_zero_as_zero() =>
        Assert.Equal("0", Atom.FromNumber(-0d).ToString());

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("q\"b\\", "\"q\\\"b\\\\\"")]
    [InlineData("\b\t\n\f\r", "\"\\b\\t\\n\\f\\r\"")]
    [InlineData("\u0001\u001f", "\"\\u0001\\u001f\"")]
    [InlineData("é<>&'\uFFFC😀", "\"é<>&'\uFFFC😀\"")]
    [InlineData("\u2028", "\"\\u2028\"")] // JSON.stringify writes it raw; the reference's parser then drops the message: escaped, it still reads back the same.
    public void Escapes_strings_as_JSON_stringify_does(string value, string expected) =>
        Assert.Equal(expected, Atom.FromString(value).ToString());

    [Fact]
    public void Escapes_lone_surrogates_in_lower_case_hex()
    {
        Assert.Equal("\"\\ud800x\"", Atom.FromString("\uD800x").ToString());
        Assert.Equal("\"x\\udc00\"", Atom.FromString("x\uDC00").ToString());
    }

    [Fact]
    public void Reads_lone_surrogates_back_from_their_escapes()
    {
        // JSON.stringify writes a lone surrogate as an escape; System.Text.Json alone cannot read it into a string.
        var node = new SubNodesNode { Children = { ["x\uDC00"] = new TimestampAndAtomNode("OhqqeV-----BT7zq", "\uD800 \"\\/\b\f\n\r\t é😀") } };
        var text = MessageWriter.Write(new Message(2, ["\uD800"], node, new Dictionary<string, Atom> { ["k\uDBFF"] = "v" }));
        Assert.Contains("\\ud800", text, StringComparison.Ordinal);

        var message = MessageReader.Read(text, 2);
        Assert.Equal(["\uD800"], message.Address);
        var (id, child) = Assert.Single(((SubNodesNode)message.Node).Children);
        Assert.Equal("x\uDC00", id);
        Assert.Equal("\uD800 \"\\/\b\f\n\r\t é😀", ((TimestampAndAtomNode)child).Atom.AsString());
        Assert.Equal("k\uDBFF", Assert.Single(message.Context).Key);
        Assert.Equal(text, MessageWriter.Write(message));
    }

    [Fact]
    public void Reads_a_lone_surrogate_escaped_as_JavaScript_writes_it()
    {
        var message = MessageReader.Read("""[1,0,2,["a","\ud83d"],["OhqqeV-----BT7zq","\ude00\/\u0041"],{}]""", 2);
        Assert.Equal("\uD83D", message.Address[1]);
        Assert.Equal("\uDE00/A", ((TimestampAndAtomNode)message.Node).Atom.AsString());
    }

    [Fact]
    public void Reads_what_it_writes()
    {
        var node = new SubNodesNode(partial: true)
        {
            Children =
            {
                ["r1"] = new SubNodesNode { Children = { ["c1"] = new TimestampAndAtomNode("OhqqeV-----BT7zq", "x\n😀"), ["c2"] = new TimestampNode("OhqqeV----0BT7zq") } },
                ["r2"] = new HashNode(7),
            },
        };
        var text = MessageWriter.Write(new Message(3, ["t"], node, new Dictionary<string, Atom> { ["k"] = 2 }));
        var message = MessageReader.Read(text, 3);
        Assert.Equal(text, MessageWriter.Write(message));
    }

    [Fact]
    public void Reads_a_message_from_a_slice_of_the_packet_that_carried_it()
    {
        var text = MessageWriter.Write(new Message(2, ["r1"], new SubNodesNode { Children = { ["c1"] = new TimestampAndAtomNode("OhqqeV-----BT7zq", "é") } }, Message.EmptyContext));
        var packet = "peer ID 0 1 " + text;

        var message = MessageReader.Read(packet.AsSpan("peer ID 0 1 ".Length), 2);

        Assert.Equal(text, MessageWriter.Write(message));
    }

    [Fact]
    public void Reads_a_message_from_its_fragments_even_when_a_surrogate_pair_is_cut_between_two()
    {
        var text = MessageWriter.Write(new Message(2, ["r1"], new SubNodesNode { Children = { ["c1"] = new TimestampAndAtomNode("OhqqeV-----BT7zq", "a😀b") } }, Message.EmptyContext));
        var cut = text.IndexOf("😀", StringComparison.Ordinal) + 1; // Between the pair's two halves.

        var message = MessageReader.Read([text.AsMemory(0, cut), text.AsMemory(cut)], 2);

        Assert.Equal(text, MessageWriter.Write(message));
    }

    [Fact]
    public void Reads_any_valid_JSON_not_only_what_JavaScript_writes()
    {
        var message = MessageReader.Read(" [ 1 , 0 , 2 , [ \"a\" ] , [ { \"\\u0061a\" : [ \"OhqqeV-----BT7zq\" , 1.0e0 ] } ] , { } ] ", 2);
        var pair = Assert.IsType<TimestampAndAtomNode>(Assert.IsType<SubNodesNode>(message.Node).Children["aa"]);
        Assert.Equal(Atom.FromNumber(1), pair.Atom);
    }

    [Fact]
    public void Integer_like_keys_come_first_in_ascending_order_as_JSON_stringify_writes_them()
    {
        // Node.js: JSON.stringify({b:1,"12":1,"2":1,"0":1,"01":1,"4294967295":1,"4294967294":1})
        var node = new SubNodesNode();
        foreach (var id in new[] { "b", "12", "2", "0", "01", "4294967295", "4294967294" })
        {
            node.Children[id] = new HashNode(1);
        }

        var context = new Dictionary<string, Atom>(StringComparer.Ordinal) { ["z"] = 1, ["7"] = 2 };
        Assert.Equal(
            """[1,0,2,[],[{"0":1,"2":1,"12":1,"4294967294":1,"b":1,"01":1,"4294967295":1}],{"7":2,"z":1}]""",
            MessageWriter.Write(new Message(2, [], node, context)));
    }

    [Fact]
    public void An_address_id_that_is_U_FFFC_alone_is_written_as_a_partial_list_key_which_JavaScript_does_not_take_for_undefined()
    {
        // The reference's JSON.parse reviver turns the value "\uFFFC" into undefined: in an address
        // the id would become "undefined"; as an object key it stays what it is.
        var message = new Message(3, ["t", "\uFFFC", "c"], new TimestampAndAtomNode("OhqqeV-----BT7zq", "x"), Message.EmptyContext);
        var text = MessageWriter.Write(message);
        Assert.Equal("[1,0,3,[\"t\"],[{\"\uFFFC\":[{\"c\":[\"OhqqeV-----BT7zq\",\"x\"]},1]},1],{}]", text);

        var read = MessageReader.Read(text, 3);
        Assert.Equal(["t"], read.Address);
        var row = Assert.IsType<SubNodesNode>(Assert.IsType<SubNodesNode>(read.Node).Children["\uFFFC"]);
        Assert.Equal("x", Assert.IsType<TimestampAndAtomNode>(row.Children["c"]).Atom.AsString());
    }

    [Theory]
    [InlineData("[2,0,2,[],0,{}]", "version 2")]
    [InlineData("[1,1,2,[],0,{}]", "type is 1")]
    [InlineData("[1,0,3,[],0,{}]", "depth 3")]
    [InlineData("[1,0,2,[\"a\",\"b\"],0,{}]", "not a valid node at an atom address")]
    [InlineData("[1,0,2,[],\"OhqqeV-----BT7zq\",{}]", "not a valid node at a parent address")]
    [InlineData("[1,0,2,[\"a\",\"b\",\"c\"],0,{}]", "more than 2 ids")]
    [InlineData("[1,0,2,[],-1,{}]", "unsigned 32-bit")]
    [InlineData("[1,0,2,[\"a\",\"b\"],\"nope\",{}]", "is not a timestamp")]
    [InlineData("[1,0,2,[\"a\",\"b\"],[\"OhqqeV-----BT7zq\",[1]],{}]", "An atom must be")]
    [InlineData("[1,0,2,[],0,{}", "not valid JSON")]
    [InlineData("[1,0,2,[],0,{}]x", "not valid JSON")]
    [InlineData("{\"v\":1}", "JSON array")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1,0,2,[],0,{},7]", "six elements")]
    public void Refuses_malformed_messages_and_says_why(string text, string reason)
    {
        var exception = Assert.Throws<ProtocolException>(() => MessageReader.Read(text, 2));
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }
}
