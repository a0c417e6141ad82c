using System.Text.Json.Nodes;
using Crosstalk.Testing.FakeProviders;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// What the fake server answers: <c>--reply TEXT</c> gives every call the same reply; <c>--reply @FILE[,FILE…]</c> answers
/// with the messages of those transcripts (blank ones left out), so that replies have the lengths real conversations had.
/// The conversations of a round start at messages spread evenly over the list, and each goes on through the list in
/// order: the reply to a request follows the message its conversation started from (its first appearance, for a message
/// that appears twice) by the length of the history. So every round, on either side, runs the same conversations with
/// the same histories, only in another order.
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

    /// <summary>The fake server's answer to each request, for <paramref name="reply"/>, with <paramref name="perRound"/> conversations a round.</summary>
    public static Func<FakeRequest, FakeReply> Responder(string reply, int perRound)
    {
        var replies = Load(reply);
        if (replies.Count == 1)
        {
            var only = new FakeReply(replies[0]);
            return _ => only;
        }

        var start = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = replies.Count - 1; i >= 0; i--)
        {
            start[replies[i]] = i;
        }

        var conversations = -1;
        return request =>
        {
            // Both API shapes keep the conversation in "messages" (Anthropic's system prompt lies apart); message 1 is the
            // opener, message 2 the conversation's first reply.
            var messages = request.Body["messages"]!.AsArray();
            var index = messages.Count < 2
                ? (int)((long)(Interlocked.Increment(ref conversations) % perRound) * replies.Count / perRound)
                : start[TextOf(messages[1]!)] + messages.Count - 1;
            return new FakeReply(replies[index % replies.Count]);
        };
    }

    private static string TextOf(JsonNode message) => message["content"] switch
    {
        JsonValue text => text.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => (string?)p?["text"])),
        _ => throw new InvalidOperationException("A request's message has no content."),
    };

    /// <summary><paramref name="reply"/> with its transcript paths made absolute, for a server process started elsewhere.</summary>
    public static string Anchor(string reply) => reply.StartsWith('@')
        ? "@" + string.Join(',', reply[1..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath))
        : reply;

    /// <summary>The mean number of streamed pieces (words) per reply.</summary>
    public static double MeanWords(string reply) =>
        Load(reply).Average(r => Math.Max(1, r.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length));
}
