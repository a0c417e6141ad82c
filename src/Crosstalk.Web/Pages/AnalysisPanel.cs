using Crosstalk.Transcripts;
using Crosstalk.Web.Html;

namespace Crosstalk.Web.Pages;

/// <summary>The analysis of one conversation. Waits for Crosstalk.Analysis (TranscriptAnalyzer) to be merged.</summary>
internal sealed class AnalysisPanel
{
    private AnalysisPanel(Transcript transcript) => Transcript = transcript;

    public Transcript Transcript { get; }

    public static AnalysisPanel Create(Transcript transcript) => new(transcript);

    public void Write(HtmlBuilder html) =>
        html.Raw("<section class=\"analysis\" id=\"analysis\">").Element("h2", "Analysis")
            .Element("p", "The analysis is not available in this build yet.", ("class", "empty"))
            .Raw("</section>");

    public MessageMarks Marks(int index) => index < 0 ? default : default;
}
