using System.Text;

namespace Crosstalk.Transcripts.Formats;

/// <summary>Writes and reads whole files: writes land beside the target and are renamed over it, so nothing ever sees half a file.</summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>UTF-8 that refuses a byte sequence it cannot decode instead of turning it into U+FFFD without a word.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
            bytes = File.ReadAllBytes(path);
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

    /// <summary>
    /// The text of a file's bytes: UTF-8 (a byte-order mark skipped), or UTF-16 when it starts with that byte-order mark.
    /// Bytes that are not UTF-8 are refused with the line they are on, never replaced silently.
    /// </summary>
    internal static string Decode(byte[] bytes, string? path)
    {
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            // UTF-32 little-endian shares UTF-16's first two bytes; both are read strictly, as UTF-8 is.
            Encoding wide = bytes is [0xFF, 0xFE, 0x00, 0x00, ..]
                ? new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true)
                : new UnicodeEncoding(bigEndian: bytes[0] == 0xFE, byteOrderMark: true, throwOnInvalidBytes: true);
            var preamble = wide.Preamble.Length;
            try
            {
                return wide.GetString(bytes, preamble, bytes.Length - preamble);
            }
            catch (DecoderFallbackException ex)
            {
                throw new TranscriptFormatException(path, null, $"the file is not valid {wide.WebName.ToUpperInvariant()} (at byte {preamble + ex.Index}); save it as UTF-8", ex);
            }
        }

        var start = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException ex)
        {
            throw NotUtf8(new MemoryStream(bytes), path, ex);
        }
    }

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

    /// <summary>Opens a file for streaming reads with the same error sentences as <see cref="ReadAllText"/>.</summary>
    public static TextReader OpenText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new TranscriptFormatException(path, null, "this is a folder, not a transcript file");
        }

        try
        {
            return new StrictLineReader(new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true), path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TranscriptFormatException(path, null, "the file does not exist", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TranscriptFormatException(path, null, $"the file could not be read ({ex.Message.TrimEnd('.')})", ex);
        }
    }

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
    /// Reads as a <see cref="StreamReader"/> does, and names the line when the file holds bytes that are not UTF-8.
    /// </summary>
    private sealed class StrictLineReader(StreamReader inner, string path) : TextReader
    {
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
                throw NotUtf8(File.OpenRead(path), path, ex);
            }
        }
    }
}
