using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests;

/// <summary>Seed 001 (Kimi K2 ↔ grok-4, 97 messages), read once with the seed reader, for replays and detector tests.</summary>
internal static class Seed001
{
    private static readonly Lazy<Transcript> Parsed = new(() => SeedMarkdown.ReadFile(SharedFiles.Seed001));

    public static IReadOnlyList<(string Speaker, string Content)> Messages { get; } =
        [.. Parsed.Value.Messages.Select(m => (m.Speaker, m.Content))];

    public static string Content(int index) => Messages[index - 1].Content;

    /// <summary>The seed's messages as transcript messages: Kimi K2 on seat 1 (the opener), grok-4 on seat 2.</summary>
    public static List<TranscriptMessage> TranscriptMessages() =>
        [.. Parsed.Value.Messages.Select(m => new TranscriptMessage { Seat = m.Seat, Speaker = m.Speaker, Content = m.Content })];
}
