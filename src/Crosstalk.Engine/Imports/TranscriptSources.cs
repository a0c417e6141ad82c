using System.Globalization;
using System.IO.Enumeration;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Crosstalk.Analysis;
using Crosstalk.Engine.Datasets;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Imports;

/// <summary>
/// Reads every transcript under a path, whatever its format: seed Markdown (with the original system's JSON beside
/// it read once), Crosstalk JSON, JSONL and Parquet (a Hugging Face dataset folder too), UniversalBackrooms logs with
/// their metadata JSONL, and what other tools write (<see cref="TranscriptFile"/> lists them). Shared by <c>import</c>,
/// <c>analyze</c> and <c>judge</c>; a few files are parsed at once, on every core, and handed on in order (a Parquet file
/// one row group at a time), never all at once.
/// </summary>
public static class TranscriptSources
{
    /// <summary>The file extensions read.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>([".md", ".json", ".jsonl", ".txt", ".html", ".parquet", ".eval"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the transcripts of <paramref name="files"/>; a file that is not a transcript is reported and skipped.</summary>
    /// <param name="files">The files, as <see cref="Collect"/> gives them.</param>
    /// <param name="skipped">Told, in one line, of each file (or row) that could not be read.</param>
    /// <param name="fingerprint">Whether each transcript is marked with the file it came from, by content
    /// (<see cref="StoreMetadataKeys.ImportedFile"/>: a hash of the file's bytes, taken before they are read, the file's
    /// name, and the transcript's place in the file), as an import keeps it.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async IAsyncEnumerable<(string File, Transcript Transcript)> ReadAsync(
        IReadOnlyList<string> files, Action<string> skipped, bool fingerprint = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(skipped);
        await foreach (var (file, transcript) in ReadTextAsync(files.Where(f => !IsParquet(f)).ToList(), skipped, fingerprint, cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Storable(file, transcript, skipped))
            {
                yield return (file, transcript);
            }
        }

        foreach (var file in files.Where(IsParquet))
        {
            var hash = fingerprint ? FileHash(file) : null;
            var place = 0;
            await using var rows = ReadParquetAsync(file, skipped, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (await rows.MoveNextAsync())
            {
                Mark(rows.Current, file, hash, ++place);
                if (Storable(file, rows.Current, skipped))
                {
                    yield return (file, rows.Current);
                }
            }
        }
    }

    /// <summary>How Crosstalk writes a SHA-256 hash: <c>sha256:</c> and the hash in lower-case hex.</summary>
    internal static string HashText(ReadOnlySpan<byte> sha256) => "sha256:" + Convert.ToHexStringLower(sha256);

    /// <summary>The file part of a <see cref="StoreMetadataKeys.ImportedFile"/> (its bytes and name, without the place in it).</summary>
    internal static string FileOf(string importedFile) => importedFile[..Math.Max(0, importedFile.LastIndexOf('#'))];

    // The file's bytes as read now: taken before the file is read, so that a file that grows in between (a log still being
    // written) is marked with less than was read, and the whole file, read later, is not taken for this reading. Null when
    // the file cannot be read (its reading then says why).
    private static string? FileHash(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            return HashText(SHA256.HashData(stream));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The file by its bytes and its name (a reader may take something from the name: a UniversalBackrooms log's models), and
    // the transcript's place in it: where the reader says it was (a JSONL line, an Inspect sample and epoch), else its
    // number in what the reader gave, so that a newer reader that gives more or fewer of a file's rows still points at
    // the same ones.
    private static void Mark(Transcript transcript, string file, string? fileHash, int number)
    {
        if (fileHash is not null)
        {
            var place = transcript.Metadata.TryGetValue(TranscriptMetadataKeys.SourceLocation, out var at) ? at : number.ToString(CultureInfo.InvariantCulture);
            transcript.Metadata[StoreMetadataKeys.ImportedFile] = $"{fileHash} {Path.GetFileName(file)}#{place}";
        }
    }

    // Read, but not something a store can index (no real transcript is like it): refused here, in one line naming the file
    // (and the line or row of a corpus), rather than by the store in the middle of an import's batch.
    private static bool Storable(string file, Transcript transcript, Action<string> skipped)
    {
        if (StoreLimits.Problem(transcript) is not { } tooLong)
        {
            return true;
        }

        var where = transcript.Metadata.TryGetValue(TranscriptMetadataKeys.SourceLocation, out var at) ? $" ({at})" : "";
        skipped($"{file}{where}: {tooLong}");
        return false;
    }

    /// <summary>
    /// The conversations of one file as <c>import</c> reads it, for the commands that read a single file (<c>show</c>,
    /// <c>convert</c>): every format, Inspect's <c>.eval</c> archives and Crosstalk's Parquet datasets too; what cannot be
    /// read throws with import's one line. Text formats are read as <see cref="TranscriptFile.ReadAll"/> reads them (a
    /// JSONL corpus one line at a time).
    /// </summary>
    /// <exception cref="TranscriptFormatException">The file, or a row of it, cannot be read.</exception>
    public static IEnumerable<Transcript> ReadOne(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        if (!IsParquet(file))
        {
            return ReadFile(file, null);
        }

        return ReadParquet(file);

        static IEnumerable<Transcript> ReadParquet(string file)
        {
            string? refused = null;
            foreach (var transcript in ReadParquetAsync(file, reason => refused ??= reason, CancellationToken.None).ToBlockingEnumerable())
            {
                yield return transcript;
            }

            if (refused is not null)
            {
                throw new TranscriptFormatException(refused);
            }
        }
    }

    private static bool IsParquet(string file) => Path.GetExtension(file).Equals(".parquet", StringComparison.OrdinalIgnoreCase);

    // A Crosstalk dataset: each row is a conversation; a file that is not one is skipped whole, a row that cannot be read
    // stops the file there (the rows before it are kept), with the file and row named.
    private static async IAsyncEnumerable<Transcript> ReadParquetAsync(string file, Action<string> skipped, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = 0;
        await using var rows = ParquetDatasetReader.ReadAsync(file, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            Transcript transcript;
            try
            {
                if (!await rows.MoveNextAsync())
                {
                    yield break;
                }

                number++;
                transcript = DatasetRows.ToTranscript(rows.Current);
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
            {
                skipped(number == 0 ? $"{file}: {ex.Message}" : string.Create(CultureInfo.InvariantCulture, $"{file}: row {number}: {ex.Message}"));
                yield break;
            }

            yield return transcript;
        }
    }

    // Files are parsed on every core, a few ahead of the reader; what each holds (or why it was skipped) is handed on in
    // the files' order, so ids, warnings and skips come out as they would one file at a time.
    private static async IAsyncEnumerable<(string File, Transcript Transcript)> ReadTextAsync(
        List<string> files, Action<string> skipped, bool fingerprint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(skipped);
        var backroomsMetadata = new UniversalBackroomsMetadataIndex();
        var transcriptFiles = new List<string>();
        foreach (var file in files)
        {
            if (IsBackroomsMetadata(file))
            {
                IReadOnlyDictionary<string, UniversalBackroomsMetadata> entries;
                try
                {
                    entries = UniversalBackroomsReader.ReadMetadata(file);
                }
                catch (TranscriptFormatException ex)
                {
                    // The logs are still read, without what the metadata would have added.
                    skipped(ex.Message);
                    continue;
                }

                backroomsMetadata.Add(entries);
            }
            else
            {
                transcriptFiles.Add(file);
            }
        }

        var parsed = transcriptFiles.ToAsyncEnumerable().SelectAsync(
            (file, _) =>
            {
                try
                {
                    var hash = fingerprint ? FileHash(file) : null;
                    var transcripts = ReadFile(file, backroomsMetadata).ToList();
                    for (var i = 0; i < transcripts.Count; i++)
                    {
                        Mark(transcripts[i], file, hash, i + 1);
                    }

                    return (file, transcripts, (string?)null);
                }
                catch (TranscriptFormatException ex)
                {
                    return (file, [], ex.Message);
                }
            },
            cancellationToken: cancellationToken);
        await foreach (var (file, transcripts, refusal) in parsed.ConfigureAwait(false))
        {
            if (refusal is not null)
            {
                skipped(refusal);
                continue;
            }

            foreach (var transcript in transcripts)
            {
                foreach (var participant in transcript.Participants)
                {
                    if (SeedMarkdown.NameProblem(participant.Name) is { } problem)
                    {
                        // Kept as it is (the analysis and JSON hold any name); said now rather than when Markdown is written.
                        transcript.ReadWarnings.Add(string.Create(
                            CultureInfo.InvariantCulture,
                            $"{file}: seat {participant.Seat}'s name '{participant.Name}' is kept, but seed Markdown cannot hold it ({problem})"));
                    }
                }

                yield return (file, transcript);
            }
        }
    }

    private static IEnumerable<Transcript> ReadFile(string file, UniversalBackroomsMetadataIndex? backroomsMetadata)
    {
        if (Path.GetExtension(file).Equals(".eval", StringComparison.OrdinalIgnoreCase))
        {
            return InspectEvalArchive.Read(file);
        }

        return TranscriptFile.ReadAll(file, backroomsMetadata);
    }

    /// <summary>
    /// The transcript files under a path (or the file itself), in a stable order. JSON beside a same-named Markdown or <c>.txt</c> transcript
    /// (<c>x.md</c> + <c>x.json</c>, or the seeds' <c>x.txt</c> + <c>x.original.json</c>) is the same conversation:
    /// Crosstalk's JSON is kept (it holds usage, timing and the stop), the original system's JSON is left for its Markdown.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="root"/>.</exception>
    public static List<string> Collect(string root)
    {
        if (File.Exists(root))
        {
            return [root];
        }

        if (!Directory.Exists(root))
        {
            throw new FileNotFoundException($"{root} does not exist.", root);
        }

        // Links to folders are not followed (two links back up made the walk grow without end), and only entries with
        // bytes in them are taken: a named pipe or a device would be waited on for ever, and an empty file holds nothing.
        var walk = new FileSystemEnumerable<string>(root, (ref FileSystemEntry entry) => entry.ToFullPath(), new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
        })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && entry.Length > 0,
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        var files = walk
            .Where(f => Extensions.Contains(Path.GetExtension(f)) && !IsDatasetCard(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        var set = new HashSet<string>(files, StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var file in files)
        {
            var extension = Path.GetExtension(file);
            if (IsBackroomsSideFile(file, set))
            {
                continue;
            }

            if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
            {
                var stem = file[..^".json".Length];
                if (stem.EndsWith(".original", StringComparison.OrdinalIgnoreCase))
                {
                    stem = stem[..^".original".Length];
                }

                // The original system's JSON beside its Markdown: the same conversation, read once (from the Markdown).
                var markdown = set.Contains(stem + ".md") ? stem + ".md" : set.Contains(stem + ".txt") ? stem + ".txt" : null;
                if (markdown is not null && IsFormat(file, TranscriptFormat.OriginalJson) && SameConversation(markdown, file))
                {
                    continue;
                }
            }
            else if (extension is ".md" or ".txt" && set.Contains(Path.ChangeExtension(file, ".json")) && IsCrosstalkJson(Path.ChangeExtension(file, ".json"))
                && SameConversation(file, Path.ChangeExtension(file, ".json")))
            {
                // 'crosstalk run' writes each conversation as Markdown and JSON: read once, from the JSON (it keeps more).
                continue;
            }

            result.Add(file);
        }

        return result;
    }

    /// <summary>The card of a Hugging Face dataset folder: a <c>README.md</c> that starts with YAML front matter.</summary>
    private static bool IsDatasetCard(string path)
    {
        if (!Path.GetFileName(path).Equals("README.md", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            using var reader = new StreamReader(path);
            return reader.ReadLine() == "---";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not readable: reading it as a transcript says so, in one line.
            return false;
        }
    }

    /// <summary>
    /// A file UniversalBackrooms writes beside a log: its media agent's state (<c>x.txt.media.jsonl</c>,
    /// <c>x.txt.media_state.json</c>; what it made is in the log's agent blocks), or, in its later version, the run file
    /// and two more copies of the log's messages (<c>x.meta.json</c>, read with the log, <c>x.jsonl</c> and
    /// <c>x.transcript.json</c>). Not conversations of their own.
    /// </summary>
    private static bool IsBackroomsSideFile(string path, HashSet<string> files)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(path)!;
        var at = name.IndexOf(".txt.", StringComparison.OrdinalIgnoreCase);
        if (at > 0 && files.Contains(Path.Combine(folder, name[..(at + 4)])))
        {
            return true;
        }

        foreach (var suffix in (ReadOnlySpan<string>)[".meta.json", ".transcript.json", ".jsonl"])
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && name.Length > suffix.Length)
            {
                var log = Path.Combine(folder, name[..^suffix.Length] + ".txt");
                return files.Contains(log) && files.Contains(UniversalBackroomsReader.RunFileOf(log));
            }
        }

        return false;
    }

    /// <summary>
    /// A UniversalBackrooms metadata file: JSONL whose first line is an object with <c>log_file</c> and without the
    /// <c>messages</c> or <c>conversations</c> of a chat dataset (whose rows may name a log file too: they are conversations).
    /// </summary>
    private static bool IsBackroomsMetadata(string path)
    {
        if (!Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string? first;
        try
        {
            first = File.ReadLines(path).FirstOrDefault(line => !string.IsNullOrWhiteSpace(line));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        if (first is null || !first.Contains("\"log_file\"", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var line = System.Text.Json.JsonDocument.Parse(first);
            var root = line.RootElement;
            return root.ValueKind == System.Text.Json.JsonValueKind.Object
                && !root.TryGetProperty("messages", out _) && !root.TryGetProperty("conversations", out _);
        }
        catch (System.Text.Json.JsonException)
        {
            // Damaged metadata is still metadata: reading it says what is wrong, and the logs are read without it.
            return true;
        }
    }

    /// <summary>
    /// Whether two files beside each other hold the same conversation (the same messages), so that one may be left out; two
    /// that differ, or one that cannot be read, are both read (and a damaged one refused in its own line).
    /// </summary>
    private static bool SameConversation(string one, string other)
    {
        try
        {
            var a = TranscriptFile.ReadAll(one).ToList();
            var b = TranscriptFile.ReadAll(other).ToList();
            return a.Count == 1 && b.Count == 1 && a[0].Messages.Select(m => m.Content).SequenceEqual(b[0].Messages.Select(m => m.Content), StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TranscriptFormatException)
        {
            return false;
        }
    }

    private static bool IsCrosstalkJson(string path) => IsFormat(path, TranscriptFormat.Json);

    private static bool IsFormat(string path, TranscriptFormat format)
    {
        try
        {
            return TranscriptFile.Detect(path, AtomicFile.ReadAllText(path)) == format;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TranscriptFormatException)
        {
            return false;
        }
    }
}
