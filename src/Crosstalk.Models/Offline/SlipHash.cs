namespace Crosstalk.Models.Offline;

/// <summary>
/// The HASH function of Weizenbaum's SLIP, which ELIZA used to choose a MEMORY rule from the last word of
/// the input. Words are taken as the IBM 7094 stored them: the last six-character chunk in six-bit
/// Hollerith code, padded with blanks. Reimplemented from Anthony Hay's CC0 description of the routine.
/// </summary>
internal static class SlipHash
{
    private const string Hollerith =
        "0123456789\0=\'\0\0\0" +
        "+ABCDEFGHI\0.)\0\0\0" +
        "-JKLMNOPQR\0$*\0\0\0" +
        " /STUVWXYZ\0,(\0\0\0";

    /// <summary>SLIP's HASH: square the 35-bit word, then take <paramref name="bits"/> bits from its middle.</summary>
    public static uint Hash(ulong word, int bits)
    {
        UInt128 value = word & 0x7FFFFFFFFUL;
        var square = value * value;
        square <<= bits / 2;
        square >>= 35;
        return (uint)(square & (((UInt128)1 << bits) - 1));
    }

    /// <summary>The last (up to) six characters of the word in Hollerith code, blank padded, as a 36-bit number.</summary>
    public static ulong LastChunkAsBcd(string word)
    {
        var upper = word.ToUpperInvariant();
        ulong result = 0;
        var count = 0;
        if (upper.Length > 0)
        {
            for (var i = (upper.Length - 1) / 6 * 6; i < upper.Length; i++, count++)
            {
                result = (result << 6) | Encode(upper[i]);
            }
        }

        for (; count < 6; count++)
        {
            result = (result << 6) | Encode(' ');
        }

        return result;
    }

    private static ulong Encode(char c)
    {
        var index = c == '\0' ? -1 : Hollerith.IndexOf(c, StringComparison.Ordinal);
        return index >= 0 ? (ulong)index : (ulong)(c & 0x3F);
    }
}
