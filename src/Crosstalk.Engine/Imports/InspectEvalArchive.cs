using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats.Foreign;
using ZstdSharp;

namespace Crosstalk.Engine.Imports;

/// <summary>
/// Inspect AI's <c>.eval</c> logs: a ZIP archive of <c>header.json</c> (or, for a run that never finished,
/// <c>_journal/start.json</c>) and one <c>samples/{id}_epoch_{n}.json</c> per sample. Since inspect_ai 0.3.206 the entries
/// are Zstandard-compressed (ZIP method 93), which .NET's <see cref="ZipArchive"/> does not read, so the central directory
/// is read here and each entry is inflated (method 8, with <see cref="DeflateStream"/>), unpacked with ZstdSharp (93) or
/// taken as stored (0). When a name occurs twice the later entry wins, as in Inspect.
/// </summary>
public static class InspectEvalArchive
{
    private const uint EndOfDirectory = 0x06054b50;
    private const uint Zip64Locator = 0x07064b50;
    private const uint Zip64End = 0x06064b50;
    private const uint DirectoryEntry = 0x02014b50;
    private const uint LocalEntry = 0x04034b50;

    /// <summary>
    /// The largest entry read (a sample of a long agent run is large, but not this large): its text, its JSON document and
    /// the transcript made of it are held at once, so a 1 MB archive that unpacks to 1 GiB would take gigabytes.
    /// </summary>
    private const long MaxEntry = 256L << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The conversations of the archive's samples, in Inspect's order (epoch, then id).</summary>
    /// <exception cref="TranscriptFormatException">The file is not a ZIP archive, has no header or samples, or an entry cannot be read.</exception>
    public static List<Transcript> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return ForeignLayout.Read(path, null, "Inspect AI", () => ReadArchive(path));
        }
        catch (EndOfStreamException ex)
        {
            throw new TranscriptFormatException(path, null, "the archive ends early (was it cut off?)", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TranscriptFormatException(path, null, $"the file cannot be read ({ex.Message.TrimEnd('.')})", ex);
        }
    }

    private static List<Transcript> ReadArchive(string path)
    {
        using var stream = File.OpenRead(path);
        var entries = Directory(stream, path);
        var header = entries.GetValueOrDefault("header.json") ?? entries.GetValueOrDefault("_journal/start.json")
            ?? throw new TranscriptFormatException(path, null, "the archive is not an Inspect AI log (it has neither header.json nor _journal/start.json)");
        var samples = entries.Where(e => e.Key.StartsWith("samples/", StringComparison.Ordinal) && e.Key.EndsWith(".json", StringComparison.Ordinal) && e.Key.Count(c => c == '/') == 1)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
        if (samples.Count == 0)
        {
            throw new TranscriptFormatException(path, null, "the Inspect AI log has no samples (it was run with log_samples off, or never finished a sample)");
        }

        return InspectLog.ReadSamples(Text(stream, header, path), samples.Select(s => Text(stream, s.Value, path)), path);
    }

    private sealed record Entry(string Name, int Method, uint Crc, long CompressedSize, long Size, long Offset);

    private static Dictionary<string, Entry> Directory(FileStream stream, string path)
    {
        var length = stream.Length;
        var tailLength = (int)Math.Min(length, 65_557);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);
        var end = -1;
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndOfDirectory)
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            throw new TranscriptFormatException(path, null, "the file is not a complete ZIP archive (no end of central directory; was it cut off?)");
        }

        long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(end + 10));
        long size = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 12));
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 16));
        if (end >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end - 20)) == Zip64Locator)
        {
            var record = new byte[56];
            stream.Position = (long)BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(end - 20 + 8));
            stream.ReadExactly(record);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64End)
            {
                throw new TranscriptFormatException(path, null, "the ZIP64 end of central directory is damaged");
            }

            count = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
            size = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40));
            offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(48));
        }

        if (offset < 0 || size < 0 || offset + size > length || size > int.MaxValue)
        {
            throw new TranscriptFormatException(path, null, "the ZIP central directory lies outside the file");
        }

        var directory = new byte[size];
        stream.Position = offset;
        stream.ReadExactly(directory);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var at = 0;
        for (long i = 0; i < count; i++)
        {
            if (at + 46 > directory.Length || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(at)) != DirectoryEntry)
            {
                throw new TranscriptFormatException(path, null, "the ZIP central directory is damaged");
            }

            var span = directory.AsSpan(at);
            int method = BinaryPrimitives.ReadUInt16LittleEndian(span[10..]);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(span[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(span[42..]);
            if (46 + nameLength + extraLength > span.Length)
            {
                throw new TranscriptFormatException(path, null, "the ZIP central directory is damaged");
            }

            var name = Encoding.UTF8.GetString(span.Slice(46, nameLength));
            var extra = span.Slice(46 + nameLength, extraLength);
            while (extra.Length >= 4)
            {
                int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
                int length64 = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
                var data = extra.Slice(4, Math.Min(length64, extra.Length - 4));
                if (id == 1)
                {
                    // ZIP64: the 8-byte values of the fields that are 0xFFFFFFFF, in this order.
                    var k = 0;
                    if (uncompressed == uint.MaxValue && k + 8 <= data.Length) { uncompressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(data[k..]); k += 8; }
                    if (compressed == uint.MaxValue && k + 8 <= data.Length) { compressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(data[k..]); k += 8; }
                    if (local == uint.MaxValue && k + 8 <= data.Length) { local = (long)BinaryPrimitives.ReadUInt64LittleEndian(data[k..]); }
                }

                extra = extra[Math.Min(extra.Length, 4 + length64)..];
            }

            entries[name] = new Entry(name, method, crc, compressed, uncompressed, local);
            at += 46 + nameLength + extraLength + commentLength;
        }

        return entries;
    }

    private static string Text(FileStream stream, Entry entry, string path)
    {
        if (entry.Size > MaxEntry || entry.CompressedSize > MaxEntry)
        {
            throw new TranscriptFormatException(path, null, $"the entry {entry.Name} is larger than 256 MiB");
        }

        var local = new byte[30];
        stream.Position = entry.Offset;
        stream.ReadExactly(local);
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalEntry)
        {
            throw new TranscriptFormatException(path, null, $"the entry {entry.Name} is damaged");
        }

        stream.Position = entry.Offset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(28));
        if (stream.Position + entry.CompressedSize > stream.Length)
        {
            throw new TranscriptFormatException(path, null, $"the entry {entry.Name} runs past the end of the archive (was it cut off?)");
        }

        var compressed = new byte[entry.CompressedSize];
        stream.ReadExactly(compressed);
        try
        {
            using Stream data = entry.Method switch
            {
                0 => new MemoryStream(compressed),
                8 => new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress),
                93 => new DecompressionStream(new MemoryStream(compressed)),
                _ => throw new TranscriptFormatException(path, null, $"the entry {entry.Name} is compressed with ZIP method {entry.Method}, which Crosstalk does not read (it reads stored, deflate and zstd)"),
            };

            // No more than the archive says the entry holds: a few KB that unpack to gigabytes are refused, not unpacked.
            using var unpacked = new MemoryStream();
            var buffer = new byte[81_920];
            int read;
            while ((read = data.Read(buffer)) > 0)
            {
                if (unpacked.Length + read > entry.Size)
                {
                    throw new TranscriptFormatException(path, null, $"the entry {entry.Name} unpacks to more than the {entry.Size:N0} bytes the archive says it holds");
                }

                unpacked.Write(buffer, 0, read);
            }

            var bytes = unpacked.GetBuffer().AsSpan(0, (int)unpacked.Length);

            // As Inspect's own reader (Python's zipfile) checks: a changed byte in a stored entry is not read as the text.
            if (bytes.Length != entry.Size || System.IO.Hashing.Crc32.HashToUInt32(bytes) != entry.Crc)
            {
                throw new TranscriptFormatException(path, null, bytes.Length != entry.Size
                    ? $"the entry {entry.Name} unpacks to {bytes.Length:N0} bytes, not the {entry.Size:N0} the archive says it holds (was it cut off?)"
                    : $"the entry {entry.Name} is damaged (its CRC-32 checksum does not match)");
            }

            return StrictUtf8.GetString(bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdException or IOException)
        {
            throw new TranscriptFormatException(path, null, $"the entry {entry.Name} cannot be unpacked ({ex.Message.TrimEnd('.')})", ex);
        }
        catch (DecoderFallbackException ex)
        {
            // Read exactly or not at all: bytes that are not UTF-8 would otherwise become U+FFFD without a word.
            throw new TranscriptFormatException(path, null, $"the entry {entry.Name} is not UTF-8 text (byte {ex.Index:N0})", ex);
        }
    }
}
