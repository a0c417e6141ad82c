namespace Crosstalk.Models.Offline;

/// <summary>
/// A rough reader of message texts from seed-format transcripts, good enough to train a Markov chain.
/// It splits on the message separator and drops the header and the speaker lines; a file without
/// separators is read as paragraphs. The real transcript reader is wired in through
/// <see cref="OfflineAgentOptions.LoadTranscript"/> or <see cref="MarkovOptions.ReadMessages"/>.
/// </summary>
internal static class TranscriptMessageSplitter
{
    private const string Separator = "\n\n---\n\n### ";

    public static IEnumerable<string> ReadMessages(string path)
    {
        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        var parts = text.Split(Separator);
        if (parts.Length == 1)
        {
            foreach (var paragraph in text.Split("\n\n"))
            {
                if (!string.IsNullOrWhiteSpace(paragraph))
                {
                    yield return paragraph.Trim();
                }
            }

            yield break;
        }

        foreach (var part in parts.Skip(1))
        {
            var newline = part.IndexOf('\n', StringComparison.Ordinal);
            if (newline < 0)
            {
                continue;
            }

            var content = part[(newline + 1)..];
            foreach (var tail in (ReadOnlySpan<string>)["\n\n---\n\n", "\n\n---\n", "\n\n---"])
            {
                if (content.EndsWith(tail, StringComparison.Ordinal))
                {
                    content = content[..^tail.Length];
                    break;
                }
            }

            content = content.TrimStart('\n');
            if (!string.IsNullOrWhiteSpace(content))
            {
                yield return content;
            }
        }
    }
}
