using System.Globalization;
using Crosstalk.Analysis;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Why a conversation stopped, when its file does not say: the original system's Markdown and JSON keep no stop record,
/// and "unknown" for every one of them hides what the file shows. What can be read from it is taken, and said to be
/// inferred; what cannot stays unknown.
/// </summary>
internal static class StopInference
{
    /// <summary>The original system's cap: <c>max_turns: 96</c> after the opener, 97 messages.</summary>
    public const int OriginalCap = 97;

    /// <summary>Sets <paramref name="transcript"/>'s stop when its file gave none and one can be read from it.</summary>
    /// <remarks>
    /// Without an end time the conversation may not have finished (a cut file): it stays without a stop, as an unfinished
    /// one does. Otherwise: a last message that ends with the end token is the end token's stop (the conversation ended
    /// there); 97 messages are the original system's cap.
    /// </remarks>
    public static void Infer(Transcript transcript, string endToken = EndTokenDetector.DefaultToken)
    {
        if (transcript.Stop is not null || transcript.Ended is null || transcript.Messages.Count < 2)
        {
            return;
        }

        var count = transcript.Messages.Count;
        var last = transcript.Messages[^1];
        if (EndTokenDetector.EndsWithToken(last.Content, endToken))
        {
            transcript.Stop = new StopInfo(StopReasons.EndToken, last.Seat, count, $"inferred: the last message ends with {endToken}, and the file keeps no stop");
        }
        else if (count == OriginalCap)
        {
            transcript.Stop = new StopInfo(
                StopReasons.MaxMessages,
                Message: count,
                Detail: string.Create(CultureInfo.InvariantCulture, $"inferred: {count} messages, the original system's cap ({OriginalCap - 1} turns after the opener), and the file keeps no stop"));
        }
    }
}
