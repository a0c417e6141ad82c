using Crosstalk.Models.Offline;

namespace Crosstalk.Models.Tests.Offline;

/// <summary>Vectors from the published reconstructions of SLIP's HASH, which pick ELIZA's memory rule.</summary>
public sealed class SlipHashTests
{
    [Theory]
    [InlineData("", 0x606060606060UL)]
    [InlineData("X", 0x676060606060UL)]
    [InlineData("HERE", 0x302551256060UL)]
    [InlineData("always", 0x214366217062UL)]
    [InlineData("INVENTED", 0x252460606060UL)]
    [InlineData("123456ABCDEF", 0x212223242526UL)]
    public void LastChunkAsBcd_Word_EncodesTheLastSixCharacters(string word, ulong octalDigitsAsHex)
    {
        Assert.Equal(FromOctalDigits(octalDigitsAsHex), SlipHash.LastChunkAsBcd(word));
    }

    [Theory]
    [InlineData(0x214366217062UL, 7, 14u)]
    [InlineData(0x214366217062UL, 15, 0x70EEu)]
    [InlineData(0x633144256060UL, 15, 0x252Eu)]
    [InlineData(0x302551256060UL, 2, 3u)]
    [InlineData(0x423124626060UL, 2, 1u)]
    [InlineData(0x633144256060UL, 2, 0u)]
    public void Hash_KnownWords_GiveThePublishedValues(ulong octalDigitsAsHex, int bits, uint expected)
    {
        Assert.Equal(expected, SlipHash.Hash(FromOctalDigits(octalDigitsAsHex), bits));
    }

    // Written as hex literals whose digits are the octal digits, so they read like the published octal.
    private static ulong FromOctalDigits(ulong digits)
    {
        ulong value = 0;
        for (var shift = 44; shift >= 0; shift -= 4)
        {
            value = (value << 3) | ((digits >> shift) & 0xF);
        }

        return value;
    }
}
