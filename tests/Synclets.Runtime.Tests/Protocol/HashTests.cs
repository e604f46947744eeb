namespace Synclets.Tests.Protocol;

public class HashTests
{
    [Theory]
    [InlineData("", 2166136261u)]
    [InlineData("a", 3826002220u)]
    [InlineData("synclet1", 2356711414u)]
    [InlineData("héllo", 1252296000u)]
    public void Fnv1a_matches_the_protocol_vectors(string text, uint expected) =>
        Assert.Equal(expected, Fnv1a.Hash(text));

    [Fact]
    public void Fnv1a_hashes_astral_characters_as_utf8() =>
        Assert.Equal(Fnv1a.Hash("x😀"), Fnv1a.Hash("x😀".AsSpan()));
}
