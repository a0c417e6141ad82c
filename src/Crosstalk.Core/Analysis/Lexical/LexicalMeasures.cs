using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace Crosstalk.Analysis;

/// <summary>Small text measures shared by per-message and per-seat statistics.</summary>
internal static class LexicalMeasures
{
    /// <summary>Distinct words over words, 0 when there are none.</summary>
    public static double TypeTokenRatio(IReadOnlyCollection<string> words) =>
        TypeTokenRatio(words.Count == 0 ? 0 : words.Distinct(StringComparer.Ordinal).Count(), words.Count);

    /// <summary>Distinct words over words, from the two counts (0 for no words).</summary>
    public static double TypeTokenRatio(int distinct, int words) => words == 0 ? 0 : (double)distinct / words;

    /// <summary>
    /// UTF-8 size over Deflate size: about 1 for short or varied text, high for text that repeats itself.
    /// 0 for empty text.
    /// </summary>
    public static double CompressionRatio(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        // Only the compressed size is wanted: the text's bytes are borrowed and what Deflate writes is counted, not kept.
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, bytes);
            var output = new CountingStream();
            using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                deflate.Write(bytes, 0, length);
            }

            return output.Length == 0 ? 0 : (double)length / output.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>A stream that only counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Cosine similarity of two word-count vectors, 0..1.</summary>
    public static double Cosine(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b) => Cosine(a, b, Norm(b));

    /// <summary>
    /// As the other overload, with <paramref name="b"/>'s <see cref="Norm"/> given: for many vectors against one (every
    /// message against a conversation's opening), whose norm would otherwise be summed again for each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Cosine(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b, double normB)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        double dot = 0;
        foreach (var (word, count) in a)
        {
            if (b.TryGetValue(word, out var other))
            {
                dot += (double)count * other;
            }
        }

        return dot / (Norm(a) * normB);
    }

    /// <summary>The Euclidean length of a word-count vector.</summary>
    public static double Norm(IReadOnlyDictionary<string, int> counts) => Math.Sqrt(counts.Values.Sum(v => (double)v * v));

    /// <summary>Counts words, skipping stop words when asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Dictionary<string, int> Counts(IEnumerable<string> words, bool skipStopWords)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (skipStopWords && (StopWords.Contains(word) || word.Length < 3))
            {
                continue;
            }

            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        return counts;
    }

    /// <summary>The median of a list of numbers, 0 when empty.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The slope of the least-squares line through (index, value), per message.</summary>
    public static double Slope(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var meanX = (values.Count - 1) / 2.0;
        var meanY = values.Average();
        double numerator = 0, denominator = 0;
        for (var i = 0; i < values.Count; i++)
        {
            numerator += (i - meanX) * (values[i] - meanY);
            denominator += (i - meanX) * (i - meanX);
        }

        return numerator / denominator;
    }

    /// <summary>Common English function words, left out of keyword and drift measures.</summary>
    public static readonly HashSet<string> StopWords = new(
        """
        a about above after again against all also am an and any are as at be because been before being below
        between both but by can could did do does doing don't down during each few for from further had has have
        having he her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's its
        itself just let's like may me might more most much must my myself no nor not now of off on once one only
        or other our ours ourselves out over own really same shall she should so some such than that that's the
        their theirs them themselves then there there's these they they're this those through to too under until
        up us very was we we're we've were what what's when where which while who whom why will with would you
        you'd you'll you're you've your yours yourself yourselves yes yet well get got let would've could've
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);
}
