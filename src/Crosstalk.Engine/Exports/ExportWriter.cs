using System.Globalization;
using System.Text;
using Crosstalk.Engine.Datasets;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Exports;

/// <summary>The formats <c>crosstalk export</c> writes.</summary>
public static class ExportFormats
{
    public const string Markdown = "markdown";
    public const string Json = "json";
    public const string Jsonl = "jsonl";
    public const string ShareGpt = "sharegpt";
    public const string OpenAIChat = "openai-chat";
    public const string Parquet = "parquet";
    public const string HuggingFace = "hf";

    /// <summary>Every format, in the order help lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Markdown, Json, Jsonl, ShareGpt, OpenAIChat, Parquet, HuggingFace];

    /// <summary>The formats that can be split into parts (one file per part).</summary>
    public static bool Splits(string format) => format is Parquet or HuggingFace;
}

/// <summary>What an export wrote.</summary>
/// <param name="Conversations">Conversations written.</param>
/// <param name="Examples">For the per-seat formats, the examples written; null for the others.</param>
/// <param name="Files">The files written, relative to the folder.</param>
public sealed record ExportResult(int Conversations, int? Examples, IReadOnlyList<string> Files)
{
    /// <summary>Conversations the format cannot hold (seed Markdown and a name from another tool), each in one line; the rest were written.</summary>
    public IReadOnlyList<string> Refused { get; init; } = [];
}

/// <summary>
/// Writes exported conversations into a folder in one format: Markdown or JSON (a file per conversation), JSONL, chat
/// fine-tuning data (ShareGPT, OpenAI chat: an example per seat), Parquet, or a Hugging Face dataset folder
/// (<c>data/{split}-00000-of-00001.parquet</c> and a <c>README.md</c> dataset card). Files are complete or absent.
/// </summary>
public static class ExportWriter
{
    /// <summary>Writes <paramref name="conversations"/> and says what was written.</summary>
    /// <param name="conversations">The conversations, as <see cref="ConversationExporter"/> reads them.</param>
    /// <param name="format">One of <see cref="ExportFormats.All"/>.</param>
    /// <param name="directory">The folder to write into (made when missing).</param>
    /// <param name="name">The stem of single-file formats and the dataset's name.</param>
    /// <param name="splits">The parts of a Parquet or Hugging Face export.</param>
    /// <param name="filters">The filters in words, for the dataset card.</param>
    /// <param name="progress">Told the number of conversations written so far, after each.</param>
    /// <param name="cancellationToken">Stops the export; no partial file is left.</param>
    public static async Task<ExportResult> WriteAsync(
        IAsyncEnumerable<ExportedConversation> conversations, string format, string directory, string name, DatasetSplits splits,
        IReadOnlyList<string> filters, Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(splits);
        Directory.CreateDirectory(directory);
        var stem = FileNames.Safe(name);
        return format switch
        {
            ExportFormats.Parquet or ExportFormats.HuggingFace => await WriteDatasetAsync(conversations, format, directory, stem, name, splits, filters, progress, cancellationToken).ConfigureAwait(false),
            ExportFormats.Markdown or ExportFormats.Json => await WriteFilesAsync(conversations, format, directory, progress, cancellationToken).ConfigureAwait(false),
            ExportFormats.Jsonl or ExportFormats.ShareGpt or ExportFormats.OpenAIChat => await WriteLinesAsync(conversations, format, directory, stem, progress, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
        };
    }

    /// <summary>
    /// <c>{number}_{A}_vs_{B}</c>: the experiment's number when there is one, so two runs of the same experiment export to
    /// the same names; the conversation id otherwise.
    /// </summary>
    public static string FileStem(long id, Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var number = transcript.Metadata.TryGetValue(Plans.PlanMetadataKeys.Number, out var n) && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : id;
        var names = FileNames.Participants(transcript.Participants.Select(p => p.Name));
        return string.Create(CultureInfo.InvariantCulture, $"{number:D4}_{names}");
    }

    private static async Task<ExportResult> WriteFilesAsync(
        IAsyncEnumerable<ExportedConversation> conversations, string format, string directory, Action<int>? progress, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        var refused = new List<string>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var extension = format == ExportFormats.Markdown ? ".md" : ".json";
        await foreach (var c in conversations.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // Two runs of one experiment number their conversations alike: a second 0001_A_vs_B takes its id as well, and
            // should that name be taken too (names that differ only where file names cannot, "B" and "B_3"), a count after it.
            var stem = FileStem(c.Id, c.Transcript);
            var file = stem + extension;
            for (var n = 1; !used.Add(file); n++)
            {
                file = string.Create(CultureInfo.InvariantCulture, $"{stem}_{c.Id}{(n == 1 ? "" : "_" + n.ToString(CultureInfo.InvariantCulture))}{extension}");
            }

            try
            {
                TranscriptFile.Write(c.Transcript, Path.Combine(directory, file), format == ExportFormats.Markdown ? TranscriptFormat.SeedMarkdown : TranscriptFormat.Json);
            }
            catch (TranscriptFormatException ex)
            {
                // A name imported from another tool that seed Markdown cannot hold: said of the conversation, and the others
                // are written.
                refused.Add(string.Create(CultureInfo.InvariantCulture, $"conversation {c.Id} {ex.Problem}"));
                continue;
            }

            files.Add(file);
            progress?.Invoke(files.Count);
        }

        return new ExportResult(files.Count, null, files) { Refused = refused };
    }

    private static async Task<ExportResult> WriteLinesAsync(
        IAsyncEnumerable<ExportedConversation> conversations, string format, string directory, string stem, Action<int>? progress, CancellationToken cancellationToken)
    {
        var file = stem + format switch { ExportFormats.ShareGpt => ".sharegpt.jsonl", ExportFormats.OpenAIChat => ".openai-chat.jsonl", _ => ".jsonl" };
        var path = Path.Combine(directory, file);
        var partial = path + ".partial";
        int count = 0, examples = 0;
        try
        {
            await using (var lines = new StreamWriter(partial, append: false, new UTF8Encoding(false)) { NewLine = "\n" })
            {
                await foreach (var c in conversations.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (format == ExportFormats.Jsonl)
                    {
                        TranscriptJson.WriteLine(lines, c.Transcript);
                    }
                    else
                    {
                        // The same view the runner built each request from, blank-message replacements included.
                        foreach (var (_, turns) in ChatExport.Examples(c.Transcript, seat => c.Plan?.Seats.ElementAtOrDefault(seat - 1)?.BlankMessage))
                        {
                            await lines.WriteLineAsync(format == ExportFormats.ShareGpt ? ChatExport.ShareGptLine(turns) : ChatExport.OpenAIChatLine(turns)).ConfigureAwait(false);
                            examples++;
                        }
                    }

                    count++;
                    progress?.Invoke(count);
                }
            }

            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        return new ExportResult(count, format == ExportFormats.Jsonl ? null : examples, [file]);
    }

    private static async Task<ExportResult> WriteDatasetAsync(
        IAsyncEnumerable<ExportedConversation> conversations, string format, string directory, string stem, string name, DatasetSplits splits,
        IReadOnlyList<string> filters, Action<int>? progress, CancellationToken cancellationToken)
    {
        var hub = format == ExportFormats.HuggingFace;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["crosstalk.version"] = DatasetCard.CrosstalkVersion, ["crosstalk.dataset"] = name };
        var files = splits.Parts.ToDictionary(
            p => p.Name,
            p => hub ? $"data/{p.Name}-00000-of-00001.parquet" : splits.Parts.Count == 1 ? stem + ".parquet" : $"{stem}-{p.Name}.parquet",
            StringComparer.Ordinal);
        if (hub)
        {
            Directory.CreateDirectory(Path.Combine(directory, "data"));
        }

        var writers = splits.Parts.ToDictionary(p => p.Name, p => new ParquetDatasetWriter(Path.Combine(directory, files[p.Name]), metadata), StringComparer.Ordinal);
        var card = new DatasetCard(splits.Parts.Select(p => p.Name), splits.Seed);
        var count = 0;
        try
        {
            await foreach (var c in conversations.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var row = DatasetRows.From(c.Transcript, c.Plan, c.Analysis);
                var part = splits.PartOf(c.Origin);
                await writers[part].AddAsync(row, cancellationToken).ConfigureAwait(false);
                card.Add(row, part);
                count++;
                progress?.Invoke(count);
            }

            foreach (var writer in writers.Values)
            {
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        var written = splits.Parts.Select(p => files[p.Name]).ToList();
        if (hub)
        {
            AtomicFile.WriteAllText(Path.Combine(directory, "README.md"), card.Write(name, filters));
            written.Add("README.md");
        }

        return new ExportResult(count, null, written);
    }
}
