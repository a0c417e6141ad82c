using System.Buffers;
using System.Text;

namespace Crosstalk.Transcripts.Formats;

/// <summary>Writes and reads whole files: writes land beside the target and are renamed over it, so nothing ever sees half a file.</summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// UTF-8 that refuses a byte sequence it cannot decode instead of turning it into U+FFFD without a word (its preamble, the
    /// byte-order mark, is what a reader skips).
    /// </summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes beside the target and renames over it, so a reader (or a crash) never sees half a file.
    /// </summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temp, text, Utf8NoBom);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Said of the file asked for: the temporary file is ours, and its name would only puzzle.
            TryDelete(temp);
            throw new IOException($"{full} could not be written: {ex.Message.Replace(temp, full, StringComparison.Ordinal)}", ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Reads a file as UTF-8 text; a missing or unreadable file becomes one clear sentence.</summary>
    public static string ReadAllText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new TranscriptFormatException(path, null, "this is a folder, not a transcript file");
        }

        byte[] bytes;
        try
        {
            bytes = ReadAtMost(path, MaxWholeFile) ?? throw TooLarge(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TranscriptFormatException(path, null, "the file does not exist", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TranscriptFormatException(path, null, $"the file could not be read ({ex.Message.TrimEnd('.')})", ex);
        }

        return Decode(bytes, path);
    }

    /// <summary>The most a file read whole may hold: its text must fit in one string.</summary>
    internal const long MaxWholeFile = 1L << 30;

    /// <summary>A file's bytes, or null when it holds more than <paramref name="limit"/> (a device such as /dev/zero never ends).</summary>
    internal static byte[]? ReadAtMost(string path, long limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var length = stream.CanSeek ? stream.Length : 0;
        if (length > limit)
        {
            return null;
        }

        if (length > 0)
        {
            var exact = new byte[length];
            var read = stream.ReadAtLeast(exact, exact.Length, throwOnEndOfStream: false);
            if (read == exact.Length && stream.ReadByte() < 0)
            {
                return exact;
            }

            stream.Position = 0;
        }

        // A length the file system does not know (a pipe, a device, a file that grew): read in pieces, up to the limit.
        using var copy = new MemoryStream();
        return CopyAtMost(stream, copy, limit) ? copy.ToArray() : null;
    }

    /// <summary>Copies <paramref name="from"/> to its end, or returns false once more than <paramref name="limit"/> bytes came.</summary>
    private static bool CopyAtMost(Stream from, MemoryStream to, long limit)
    {
        var buffer = new byte[81_920];
        int n;
        while ((n = from.Read(buffer)) > 0)
        {
            if (to.Length + n > limit)
            {
                return false;
            }

            to.Write(buffer, 0, n);
        }

        return true;
    }

    private static TranscriptFormatException TooLarge(string path) =>
        new(path, null, "the file is larger than 1 GiB, and a file of this format is read whole; split it, or write it as JSONL (read a line at a time)");

    /// <summary>
    /// <paramref name="start"/> and the rest of <paramref name="reader"/>'s text, refused beyond <paramref name="limit"/>
    /// characters (<see cref="MaxWholeFile"/>; smaller in tests). Added in pieces no larger than a builder's own, from a
    /// pooled buffer, so that the whole text is the only large object made.
    /// </summary>
    internal static string ReadRest(TextReader reader, string path, ReadOnlySpan<char> start, long limit = MaxWholeFile)
    {
        const int Piece = 4096;
        var text = new StringBuilder();
        for (var at = 0; at < start.Length; at += Piece)
        {
            text.Append(start.Slice(at, Math.Min(Piece, start.Length - at)));
        }

        var buffer = ArrayPool<char>.Shared.Rent(Piece);
        try
        {
            int n;
            while ((n = reader.Read(buffer, 0, Piece)) > 0)
            {
                if (text.Length + (long)n > limit)
                {
                    throw TooLarge(path);
                }

                text.Append(buffer, 0, n);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        return text.ToString();
    }

    /// <summary>
    /// The text of a file's bytes: UTF-8 (a byte-order mark skipped), or UTF-16 or UTF-32 when it starts with that byte-order
    /// mark. Bytes that do not decode are refused with where they are, never replaced silently.
    /// </summary>
    internal static string Decode(byte[] bytes, string? path)
    {
        var encoding = EncodingOf(bytes);
        var preamble = bytes.AsSpan().StartsWith(encoding.Preamble) ? encoding.Preamble.Length : 0;
        try
        {
            return encoding.GetString(bytes, preamble, bytes.Length - preamble);
        }
        catch (DecoderFallbackException ex) when (encoding is UTF8Encoding)
        {
            throw NotUtf8(new MemoryStream(bytes), path, ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new TranscriptFormatException(path, null, $"the file is not valid {encoding.WebName.ToUpperInvariant()} (at byte {preamble + ex.Index}); save it as UTF-8", ex);
        }
    }

    /// <summary>
    /// The strict encoding a file's first bytes name: UTF-16 or UTF-32 by their byte-order marks (UTF-32 little-endian shares
    /// UTF-16's first two bytes), else UTF-8, whose preamble is its byte-order mark so that a reader skips one.
    /// </summary>
    private static Encoding EncodingOf(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xFE, 0x00, 0x00, ..] => new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true),
        [0x00, 0x00, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: true, throwOnInvalidCharacters: true),
        [0xFF, 0xFE, ..] => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
        [0xFE, 0xFF, ..] => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
        _ => StrictUtf8,
    };

    /// <summary>One sentence naming the line and byte where <paramref name="stream"/> stops being UTF-8.</summary>
    private static TranscriptFormatException NotUtf8(Stream stream, string? path, DecoderFallbackException ex)
    {
        using (stream)
        {
            // Found again from the start: a decoder reads ahead of the lines handed out, so where it failed says little.
            var buffer = new byte[1 << 20];
            var chars = new char[buffer.Length];
            long offset = 0;
            var line = 1;
            var kept = 0;
            int read;
            while ((read = stream.Read(buffer, kept, buffer.Length - kept)) > 0 || kept > 0)
            {
                var length = kept + read;
                var status = System.Text.Unicode.Utf8.ToUtf16(buffer.AsSpan(0, length), chars, out var used, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
                line += buffer.AsSpan(0, used).Count((byte)'\n');
                offset += used;
                if (status == System.Buffers.OperationStatus.InvalidData)
                {
                    return new TranscriptFormatException(path, line, $"the file is not valid UTF-8 (0x{buffer[used]:X2} at byte {offset}); save it as UTF-8", ex);
                }

                kept = length - used;
                buffer.AsSpan(used, kept).CopyTo(buffer);
                if (read == 0)
                {
                    break;
                }
            }

            return new TranscriptFormatException(path, null, "the file is not valid UTF-8; save it as UTF-8", ex);
        }
    }

    /// <summary>
    /// Opens a file for streaming reads, decoded as strictly as <see cref="ReadAllText"/> decodes (a byte-order mark chooses
    /// UTF-16 or UTF-32), with the same error sentences.
    /// </summary>
    public static TextReader OpenText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new TranscriptFormatException(path, null, "this is a folder, not a transcript file");
        }

        Stream? stream = null;
        MemoryStream? piped = null;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
            if (!stream.CanSeek)
            {
                // A pipe (crosstalk show <(…)) can neither go back to its start once its first bytes are looked at nor be
                // opened again: it is read once, into memory.
                piped = new MemoryStream();
                if (!CopyAtMost(stream, piped, MaxWholeFile))
                {
                    throw TooLarge(path);
                }

                stream.Dispose();
                stream = piped;
                piped.Position = 0;
            }

            Span<byte> head = stackalloc byte[4];
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;

            // Not left to the reader's own detection: it decodes what it detects with replacement characters.
            var encoding = EncodingOf(head[..read]);
            return new StrictLineReader(new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false), path, encoding, piped);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            stream?.Dispose();
            throw new TranscriptFormatException(path, null, "the file does not exist", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            throw new TranscriptFormatException(path, null, $"the file could not be read ({ex.Message.TrimEnd('.')})", ex);
        }
        catch
        {
            stream?.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="reader"/> (from <see cref="OpenText"/>) reads a pipe, which cannot be opened a second time.</summary>
    internal static bool IsPipe(TextReader reader) => reader is StrictLineReader { Piped: not null };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Reads as a <see cref="StreamReader"/> does, and says where the file stops being what its encoding says.
    /// </summary>
    private sealed class StrictLineReader(StreamReader inner, string path, Encoding encoding, MemoryStream? piped) : TextReader
    {
        /// <summary>A pipe's bytes, read once (null for a file, which is opened again to explain an error).</summary>
        public MemoryStream? Piped => piped;

        public override string? ReadLine() => Guard(inner.ReadLine);

        public override int Read() => Guard(inner.Read);

        public override int Peek() => Guard(inner.Peek);

        public override int Read(char[] buffer, int index, int count) => Guard(() => inner.Read(buffer, index, count));

        public override string ReadToEnd() => Guard(inner.ReadToEnd);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private T Guard<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (DecoderFallbackException ex)
            {
                throw Explain(ex);
            }
        }

        // Where the file stops being what its encoding says, found again from its start, as ReadAllText reports it: a
        // decoder reads ahead of what it hands out, so where it failed says little.
        private TranscriptFormatException Explain(DecoderFallbackException ex)
        {
            try
            {
                if (encoding is UTF8Encoding)
                {
                    return NotUtf8(piped is null ? File.OpenRead(path) : new MemoryStream(piped.GetBuffer(), 0, (int)piped.Length, writable: false), path, ex);
                }

                Decode(piped?.ToArray() ?? File.ReadAllBytes(path), path);
            }
            catch (TranscriptFormatException found)
            {
                return found;
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException or OutOfMemoryException)
            {
                // Gone, changed or too large to read again: said without the place.
            }

            return new TranscriptFormatException(path, null, $"the file is not valid {encoding.WebName.ToUpperInvariant()}; save it as UTF-8", ex);
        }
    }
}
