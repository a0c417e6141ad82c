using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// What the fake server answers: <c>--reply TEXT</c> gives every call the same reply; <c>--reply @FILE[,FILE…]</c> gives
/// the calls, in order of arrival, the messages of those transcripts in turn (blank ones left out), so that replies have
/// the lengths real conversations had. Both sides' servers see the same number of calls per round, so each side gets the
/// same replies in every round, only in another order.
/// </summary>
internal static class BenchReplies
{
    /// <summary>The replies <paramref name="reply"/> stands for.</summary>
    public static IReadOnlyList<string> Load(string reply)
    {
        if (!reply.StartsWith('@'))
        {
            return [reply];
        }

        var replies = new List<string>();
        foreach (var path in reply[1..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            replies.AddRange(TranscriptFile.Read(path).Messages.Select(m => m.Content).Where(c => !string.IsNullOrWhiteSpace(c)));
        }

        return replies.Count > 0 ? replies : throw new ArgumentException($"--reply {reply}: the transcripts hold no message to reply with.");
    }

    /// <summary><paramref name="reply"/> with its transcript paths made absolute, for a server process started elsewhere.</summary>
    public static string Anchor(string reply) => reply.StartsWith('@')
        ? "@" + string.Join(',', reply[1..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath))
        : reply;

    /// <summary>The mean number of streamed pieces (words) per reply.</summary>
    public static double MeanWords(string reply) =>
        Load(reply).Average(r => Math.Max(1, r.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length));
}
