using System.Globalization;
using Crosstalk.Transcripts;
using Crosstalk.Web.Html;
using Crosstalk.Web.Markdown;

namespace Crosstalk.Web.Pages;

/// <summary>One conversation: the seed-style header, the messages as a chat, the analysis, downloads and forks.</summary>
internal static class ConversationPage
{
    public static string Render(long id, Transcript transcript, bool live, CancellationToken cancellationToken = default)
    {
        var idText = id.ToString(CultureInfo.InvariantCulture);
        var html = new HtmlBuilder();
        html.Element("h1", string.IsNullOrEmpty(transcript.Title) ? Transcript.TitleFor(transcript.Participants) : transcript.Title);
        WriteHeader(html, transcript);
        html.Raw("<p class=\"actions\">")
            .Element("a", "Download Markdown", ("href", $"/c/{idText}/download.md"), ("id", "download-md"), ("download", string.Empty))
            .Element("a", "Download JSON", ("href", $"/c/{idText}/download.json"), ("id", "download-json"), ("download", string.Empty));
        if (transcript.Messages.Count > 0)
        {
            // A fork keeps at least one message: a conversation with none has nothing to go on from.
            html.Element("a", "Continue in a fork", ("href", $"/live?fork={idText}&at={transcript.Messages.Count.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (transcript.Metadata.TryGetValue(Crosstalk.Storage.StoreMetadataKeys.ParentId, out var parent))
        {
            html.Element("a", "Forked from conversation " + parent, ("href", "/c/" + Uri.EscapeDataString(parent)));
        }

        html.Raw("</p>");
        var analysis = live ? null : AnalysisPanel.Create(transcript, cancellationToken);
        analysis?.Write(html);

        html.Element("h2", "Messages");
        html.Raw("<ol class=\"chat\" id=\"messages\">");
        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            WriteMessage(html, id, i + 1, transcript.Messages[i], analysis?.Marks(i + 1) ?? default);
        }

        html.Raw("</ol>");
        return html.ToString();
    }

    public static void WriteHeader(HtmlBuilder html, Transcript transcript)
    {
        html.Raw("<dl class=\"header\" id=\"header\">");
        html.Element("dt", "Participants").Open("dd");
        foreach (var participant in transcript.Participants)
        {
            html.Open("span", ("class", "chip " + Formats.SeatClass(participant.Seat)), ("title", participant.SystemPrompt))
                .Text(participant.Name);
            if (participant.Model is { } model && model != participant.Name)
            {
                html.Element("small", " " + model);
            }

            html.Close("span").Text(" ");
        }

        html.Close("dd")
            .Element("dt", "Started").Element("dd", Formats.Time(transcript.Started), ("id", "started"))
            .Element("dt", "Ended").Element("dd", Formats.Time(transcript.Ended), ("id", "ended"))
            .Element("dt", "Messages").Element("dd", transcript.Messages.Count.ToString(CultureInfo.InvariantCulture), ("id", "message-count"))
            .Element("dt", "Stop reason").Open("dd", ("id", "stop-reason"))
            .Element("span", transcript.Stop is null && transcript.Ended is not null ? "ended, reason not recorded" : Formats.Stop(transcript.Stop?.Reason), ("class", Formats.StopClass(transcript.Stop?.Reason)));
        if (transcript.Stop is { } stop)
        {
            if (stop.Seat is { } seat && transcript.Participants.FirstOrDefault(p => p.Seat == seat) is { } who)
            {
                html.Text(" by ").Text(who.Name);
            }

            if (stop.Message is { } at)
            {
                html.Text(" at message ").Text(at);
            }

            if (!string.IsNullOrEmpty(stop.Detail))
            {
                html.Element("small", " — " + stop.Detail);
            }
        }

        html.Close("dd").Raw("</dl>");
    }

    public static void WriteMessage(HtmlBuilder html, long conversationId, int index, TranscriptMessage message, MessageMarks marks)
    {
        var indexText = index.ToString(CultureInfo.InvariantCulture);
        var classes = "msg " + Formats.SeatClass(message.Seat) + (message.Seat % 2 == 0 ? " right" : " left")
            + (marks.InGoodbyeLoop ? " goodbye" : string.Empty) + (marks.Refusal ? " refusal" : string.Empty);
        html.Open("li", ("class", classes), ("id", "m" + indexText), ("data-index", indexText))
            .Raw("<div class=\"meta\">")
            .Element("span", message.Speaker, ("class", "speaker"))
            .Element("a", "#" + indexText, ("href", "#m" + indexText), ("class", "index"))
            .Element("span", message.Timestamp is null ? null : Formats.Time(message.Timestamp), ("class", "time"));
        if (marks.EndToken)
        {
            html.Element("span", "end token", ("class", "badge badge-end"));
        }

        if (marks.Refusal)
        {
            html.Element("span", "refusal", ("class", "badge badge-refusal"));
        }

        if (marks.InGoodbyeLoop)
        {
            html.Element("span", "goodbye loop", ("class", "badge badge-goodbye"));
        }

        html.Raw("</div>");
        if (string.IsNullOrWhiteSpace(message.Content))
        {
            html.Element("div", "(blank message)", ("class", "body blank"));
        }
        else
        {
            html.Open("div", ("class", "body md")).Raw(SafeMarkdown.ToHtml(message.Content)).Close("div");
        }

        WriteDetails(html, message);
        html.Element("a", "Fork from here", ("href", $"/live?fork={conversationId.ToString(CultureInfo.InvariantCulture)}&at={indexText}"), ("class", "fork"))
            .Close("li");
    }

    private static void WriteDetails(HtmlBuilder html, TranscriptMessage message)
    {
        html.Raw("<details class=\"details\"><summary>Details</summary><dl>");
        if (message.Usage is { } usage)
        {
            html.Element("dt", "Tokens")
                .Element("dd", $"{Formats.Number(usage.InputTokens)} in, {Formats.Number(usage.OutputTokens)} out"
                    + (usage.ReasoningTokens is { } r ? $", {Formats.Number(r)} reasoning" : string.Empty)
                    + (usage.Estimated ? " (estimated)" : string.Empty));
        }
        else
        {
            html.Element("dt", "Tokens").Element("dd", "not recorded");
        }

        html.Element("dt", "Latency").Element("dd", Formats.Seconds(message.Latency))
            .Element("dt", "First token").Element("dd", Formats.Seconds(message.TimeToFirstToken))
            .Element("dt", "Finish reason").Element("dd", message.FinishReason ?? "—")
            .Element("dt", "Cost").Element("dd", Formats.Money(message.Cost))
            .Element("dt", "Attempts").Element("dd", (message.Attempts.Count + 1).ToString(CultureInfo.InvariantCulture))
            .Raw("</dl>");
        if (message.Attempts.Count > 0)
        {
            html.Raw("<table class=\"attempts\"><thead><tr><th>Failed attempt</th><th>Error</th><th>Status</th><th>Duration</th></tr></thead><tbody>");
            foreach (var attempt in message.Attempts)
            {
                html.Open("tr").Open("td").Text(attempt.Number).Close("td").Element("td", attempt.Error)
                    .Element("td", attempt.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "—")
                    .Element("td", Formats.Seconds(attempt.Duration)).Close("tr");
            }

            html.Raw("</tbody></table>");
        }

        if (!string.IsNullOrEmpty(message.SentAs) && message.SentAs != message.Content)
        {
            html.Raw("<details class=\"sent-as\"><summary>Sent to the partner as</summary>").Element("pre", message.SentAs).Raw("</details>");
        }

        if (!string.IsNullOrEmpty(message.Reasoning))
        {
            html.Raw("<details class=\"reasoning\"><summary>Reasoning</summary>").Element("pre", message.Reasoning).Raw("</details>");
        }

        html.Raw("</details>");
    }
}
