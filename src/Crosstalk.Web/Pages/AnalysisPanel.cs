using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Analysis.Judge;
using Crosstalk.Transcripts;
using Crosstalk.Web.Html;

namespace Crosstalk.Web.Pages;

/// <summary>
/// The analysis of one conversation (Crosstalk.Analysis.TranscriptAnalyzer): end signals, the goodbye loop,
/// refusals, repeats, per-seat statistics and a message-length chart; plus the per-message marks for the chat.
/// </summary>
internal sealed class AnalysisPanel
{
    private readonly Transcript _transcript;
    private readonly TranscriptAnalysis _analysis;

    private AnalysisPanel(Transcript transcript, TranscriptAnalysis analysis)
    {
        _transcript = transcript;
        _analysis = analysis;
    }

    // The analysis the store keeps and analyze shows (with the end token the conversation ran with), made the same way.
    public static AnalysisPanel Create(Transcript transcript, CancellationToken cancellationToken = default) =>
        new(transcript, Engine.Analysis.StoredAnalyses.Analyze(transcript, cancellationToken));

    // Where a judge placed the goodbye loop ('crosstalk judge RUN --rubric goodbye-loop' keeps its answer with the
    // conversation), beside the rule's: one line per judge. The stored answer is read as untrusted text.
    private void WriteJudgedLoops(HtmlBuilder html)
    {
        foreach (var (model, results) in JudgeScorer.Kept(_transcript.Metadata, JudgeRubrics.GoodbyeLoop.Id))
        {
            html.Element("dt", "Goodbye loop, judge " + model).Open("dd", ("class", "judged-loop"));
            var answer = results?.FirstOrDefault()?.Answer;
            if (JudgeRubrics.LoopSpan(answer) is var (from, to))
            {
                html.Link("#m" + N(from), $"messages {N(from)}–{N(to)}");
            }
            else
            {
                html.Text(answer is { ValueKind: JsonValueKind.Object } ? "none" : "no usable answer");
            }

            html.Close("dd");
        }
    }

    public MessageMarks Marks(int index)
    {
        if (index < 1 || index > _analysis.PerMessage.Count)
        {
            return default;
        }

        var message = _analysis.PerMessage[index - 1];
        var inLoop = _analysis.GoodbyeLoop is { } loop && index >= loop.Start && index <= loop.End;
        return new MessageMarks(message.EndToken, message.Refusal, inLoop);
    }

    public void Write(HtmlBuilder html)
    {
        var a = _analysis;
        html.Raw("<section class=\"analysis\" id=\"analysis\">").Element("h2", "Analysis").Raw("<dl class=\"facts\">");
        html.Element("dt", "End signals").Open("dd", ("id", "end-signals"));
        if (a.EndToken.First is { } first)
        {
            html.Text($"{a.EndToken.Token} first at ").Link("#m" + N(first), "message " + N(first))
                .Text(a.EndToken.FirstSeat is { } seat ? " by " + Name(seat) : string.Empty)
                .Text($"; {N(a.EndToken.Count)} messages end with it; {N(a.EndToken.MessagesAfterFirst)} messages ({Formats.Number(a.EndToken.TokensAfterFirst)} tokens) came after it");
            if (a.EndToken.Mutual is { } mutual)
            {
                html.Text("; both sides agreed at ").Link("#m" + N(mutual), "message " + N(mutual));
            }
        }
        else
        {
            html.Text($"no message ends with {a.EndToken.Token}");
        }

        html.Close("dd").Element("dt", "Goodbye loop").Open("dd", ("id", "goodbye-loop"));
        if (a.GoodbyeLoop is { } loop)
        {
            html.Link("#m" + N(loop.Start), $"messages {N(loop.Start)}–{N(loop.End)}")
                .Text(loop.Fade
                    ? $", a closing fade ({N(loop.Length)} messages, {N(loop.Farewells)} of them thanks or fading; highlighted below)"
                    : $" ({N(loop.Length)} messages, {N(loop.Farewells)} farewells; highlighted below)");
        }
        else
        {
            html.Text("none");
        }

        html.Close("dd");
        WriteJudgedLoops(html);
        html.Element("dt", "Refusals").Open("dd", ("id", "refusals"));
        if (a.Refusals.Count == 0)
        {
            html.Text("none");
        }

        foreach (var refusal in a.Refusals)
        {
            html.Link("#m" + N(refusal), "message " + N(refusal)).Text(" ");
        }

        html.Close("dd").Element("dt", "Repeats").Open("dd");
        if (a.NearDuplicates.Count == 0)
        {
            html.Text("none");
        }
        else
        {
            html.Text($"{N(a.NearDuplicates.Count)} near-duplicate pairs, e.g. ");
            foreach (var pair in a.NearDuplicates.Take(5))
            {
                html.Link("#m" + N(pair.Second), $"{N(pair.Second)}≈{N(pair.First)}").Text(" ");
            }
        }

        html.Close("dd");
        if (a.Garbled.Words.Count > 0)
        {
            html.Element("dt", "Garbled words").Open("dd");
            foreach (var word in a.Garbled.Words.Take(20))
            {
                html.Link("#m" + N(word.Message), word.Word).Text(" ");
            }

            html.Close("dd");
        }

        html.Raw("</dl>");
        WriteSeats(html);
        WriteChart(html);
        html.Raw("</section>");
    }

    private void WriteSeats(HtmlBuilder html)
    {
        html.Raw("<table class=\"list seats\"><thead><tr><th>Seat</th><th class=\"num\">Messages</th><th class=\"num\">Words (mean)</th>"
            + "<th class=\"num\">Tokens</th><th class=\"num\">Latency</th><th class=\"num\">End tokens</th><th class=\"num\">Farewells</th>"
            + "<th class=\"num\">Refusals</th><th class=\"num\">Self-repetition</th><th>Distinctive words</th></tr></thead><tbody>");
        foreach (var seat in _analysis.Seats)
        {
            html.Open("tr")
                .Open("td").Element("span", seat.Name, ("class", "chip " + Formats.SeatClass(seat.Seat))).Close("td")
                .Element("td", N(seat.Messages), ("class", "num"))
                .Element("td", $"{Formats.Number(seat.Words)} ({Formats.Number(seat.MeanWords, "0")})", ("class", "num"))
                .Element("td", Formats.Number(seat.Tokens) + (seat.TokensEstimated ? " est." : string.Empty), ("class", "num"))
                .Element("td", seat.MeanLatencySeconds is { } l ? Formats.Number(l, "0.0") + " s" : "—", ("class", "num"))
                .Element("td", N(seat.EndTokens), ("class", "num"))
                .Element("td", N(seat.Farewells), ("class", "num"))
                .Element("td", N(seat.Refusals), ("class", "num"))
                .Element("td", Formats.Number(seat.SelfRepetition, "0.00"), ("class", "num"))
                .Element("td", string.Join(", ", seat.DistinctiveWords.Take(8)))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
    }

    /// <summary>Words per message as bars in seat colours, the goodbye loop shaded, refusals and the first end token marked.</summary>
    private void WriteChart(HtmlBuilder html)
    {
        var messages = _analysis.PerMessage;
        if (messages.Count == 0)
        {
            return;
        }

        const int Height = 160;
        const int Bar = 8;
        var width = Math.Max(messages.Count * Bar, 200);
        var max = Math.Max(1, messages.Max(m => m.Words));
        html.Element("h3", "Message length (words)");
        html.Open("svg", ("viewBox", $"0 0 {N(width)} {N(Height + 14)}"), ("class", "chart"), ("id", "length-chart"), ("role", "img"),
            ("aria-label", $"Words per message, {N(messages.Count)} messages, longest {N(max)} words"), ("preserveAspectRatio", "none"));
        if (_analysis.GoodbyeLoop is { } loop)
        {
            html.Open("rect", ("x", N((loop.Start - 1) * Bar)), ("y", "0"), ("width", N(loop.Length * Bar)), ("height", N(Height)), ("class", "loop-band"))
                .Element("title", $"Goodbye loop: messages {N(loop.Start)}–{N(loop.End)}").Close("rect");
        }

        foreach (var message in messages)
        {
            var h = Math.Max(1, (int)Math.Round((double)message.Words / max * (Height - 10)));
            var x = (message.Index - 1) * Bar;
            html.Open("rect", ("x", N(x + 1)), ("y", N(Height - h)), ("width", N(Bar - 2)), ("height", N(h)), ("class", "bar " + Formats.SeatClass(message.Seat)))
                .Element("title", $"Message {N(message.Index)}: {N(message.Words)} words" + (message.Refusal ? ", refusal" : string.Empty) + (message.EndToken ? ", end token" : string.Empty))
                .Close("rect");
            if (message.Refusal)
            {
                html.Open("circle", ("cx", N(x + (Bar / 2))), ("cy", N(Height + 7)), ("r", "3"), ("class", "refusal-mark")).Close("circle");
            }
        }

        if (_analysis.EndToken.First is { } first)
        {
            var x = N(((first - 1) * Bar) + (Bar / 2));
            html.Open("line", ("x1", x), ("x2", x), ("y1", "0"), ("y2", N(Height)), ("class", "end-line"))
                .Element("title", $"First end token: message {N(first)}").Close("line");
        }

        html.Close("svg").Raw("<p class=\"legend\"><span class=\"key loop\"></span> goodbye loop <span class=\"key end\"></span> first end token <span class=\"key refusal\"></span> refusal</p>");
    }

    private string Name(int seat) => _transcript.Participants.FirstOrDefault(p => p.Seat == seat)?.Name ?? "seat " + N(seat);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
