using System.Globalization;
using System.Text;

namespace Crosstalk.Analysis;

/// <summary>
/// A transcript analysis as a readable plain-text report (for a terminal or a log): the facts first, then a
/// sparkline of message lengths and the per-seat table. Model output never appears in it except as the
/// garbled words and distinctive words it lists; a terminal renderer should still escape markup it uses.
/// </summary>
public static class TranscriptReportText
{
    /// <summary>Renders <paramref name="analysis"/> in at most <paramref name="width"/> columns of sparkline.</summary>
    public static string Render(TranscriptAnalysis analysis, int width = 80)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"{analysis.Title}: {analysis.Messages} messages");
        if (analysis.StopReason is { } reason)
        {
            text.Append(c, $", stopped by {reason}");
        }

        text.Append('\n');
        var end = analysis.EndToken;
        text.Append(end.First is { } first
            ? string.Create(c, $"End token {end.Token}: first at message {first} (seat {end.FirstSeat}), {end.Count} in all, {end.MessagesAfterFirst} messages after it")
            : string.Create(c, $"End token {end.Token}: never used"));
        if (end.Mutual is { } mutual)
        {
            text.Append(c, $"; mutual end at {mutual}, {end.MessagesAfterMutual} messages after");
        }

        text.Append('\n');
        text.Append(analysis.GoodbyeLoop switch
        {
            { Fade: true } fade => string.Create(c, $"Goodbye loop: messages {fade.Start}–{fade.End}, a closing fade ({fade.Length} messages, {fade.Farewells} of them thanks or fading)\n"),
            { } loop => string.Create(c, $"Goodbye loop: messages {loop.Start}–{loop.End} ({loop.Length} messages, {loop.Farewells} farewells; farewells began at {loop.FarewellsStart})\n"),
            null => "Goodbye loop: none\n",
        });
        text.Append(c, $"Refusals: {(analysis.Refusals.Count == 0 ? "none" : string.Join(", ", analysis.Refusals))}\n");
        text.Append(c, $"Near duplicates: {(analysis.NearDuplicates.Count == 0 ? "none" : string.Join(", ", analysis.NearDuplicates.Take(12).Select(d => string.Create(c, $"{d.First}≈{d.Second} ({d.Similarity:0.00})"))))}");
        text.Append(analysis.NearDuplicates.Count > 12 ? string.Create(c, $" … {analysis.NearDuplicates.Count} pairs\n") : "\n");
        text.Append(c, $"Garbled words: {(analysis.Garbled.Words.Count == 0 ? "none" : string.Join(", ", analysis.Garbled.Words.Select(w => string.Create(c, $"{w.Word} (message {w.Message})"))))}");
        text.Append(c, $" — rate {analysis.Garbled.Rate:0.####} of {analysis.Garbled.Judged} judged words\n");
        text.Append(c, $"Length trend {analysis.Lexical.LengthTrend:+0.00;-0.00;0} words/message, drift from the opening {analysis.Lexical.FinalDrift:0.00}, emoji {analysis.Lexical.Emoji} {string.Join("", analysis.Lexical.TopEmoji.Take(5))}\n");
        text.Append("Message lengths: ").Append(Sparkline.Render([.. analysis.PerMessage.Select(m => (double)m.Words)], width)).Append('\n');

        text.Append('\n');
        foreach (var seat in analysis.Seats)
        {
            text.Append(c, $"Seat {seat.Seat} {seat.Name}{(seat.Model is null ? "" : " (" + seat.Model + ")")}: {seat.Messages} messages, {seat.Words} words, ");
            text.Append(c, $"{seat.Tokens}{(seat.TokensEstimated ? "~" : "")} tokens, mean {seat.MeanWords:0.0} / median {seat.MedianWords:0.0} words");
            if (seat.MeanLatencySeconds is { } latency)
            {
                text.Append(c, $", latency {latency:0.00}s");
            }

            if (seat.Cost is { } cost)
            {
                text.Append(c, $", ${cost:0.0000}");
            }

            text.Append('\n');
            text.Append(c, $"  end tokens {seat.EndTokens}, farewells {seat.Farewells}, refusals {seat.Refusals}, self-repetition {seat.SelfRepetition:0.00}, echo {seat.Echo:0.00}, TTR {seat.TypeTokenRatio:0.00}\n");
            if (seat.DistinctiveWords.Count > 0 || seat.TopEmoji.Count > 0)
            {
                text.Append(c, $"  words: {string.Join(", ", seat.DistinctiveWords)}  {string.Join("", seat.TopEmoji.Take(5))}\n");
            }
        }

        return text.ToString();
    }
}
