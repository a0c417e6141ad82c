using Crosstalk.Testing;
using Crosstalk.Transcripts;

namespace Crosstalk.Core.Tests;

/// <summary>
/// Seed 001 (Kimi K2 ↔ grok-4, 97 messages) read minimally for replay: split on the message separators, which
/// its contents never contain. The real reader is tested elsewhere.
/// </summary>
internal static class Seed001
{
    private static readonly Lazy<IReadOnlyList<(string Speaker, string Content)>> Parsed = new(() => Read(SharedFiles.Seed001));

    public static IReadOnlyList<(string Speaker, string Content)> Messages => Parsed.Value;

    public static string Content(int index) => Messages[index - 1].Content;

    /// <summary>The seed's messages as transcript messages: Kimi K2 on seat 1 (the opener), grok-4 on seat 2.</summary>
    public static List<TranscriptMessage> TranscriptMessages() =>
        [.. Messages.Select(m => new TranscriptMessage { Seat = m.Speaker == "Kimi K2" ? 1 : 2, Speaker = m.Speaker, Content = m.Content })];

    private static List<(string, string)> Read(string path)
    {
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var parts = text.Split("\n\n---\n\n### ");
        var messages = new List<(string, string)>(parts.Length - 1);
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == parts.Length - 1 && part.EndsWith("\n\n---\n\n", StringComparison.Ordinal))
            {
                part = part[..^"\n\n---\n\n".Length];
            }

            var split = part.IndexOf("\n\n", StringComparison.Ordinal);
            messages.Add((part[..split], part[(split + 2)..]));
        }

        return messages;
    }
}
