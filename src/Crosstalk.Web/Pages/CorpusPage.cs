using Crosstalk.Web.Html;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Web.Pages;

/// <summary>The corpus analysis. Waits for Crosstalk.Analysis (CorpusAnalyzer) to be merged.</summary>
internal static class CorpusPage
{
    public static Task<string> RenderAsync(WebContext web, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(web);
        ArgumentNullException.ThrowIfNull(context);
        var html = new HtmlBuilder().Element("h1", "Corpus")
            .Element("p", "The corpus analysis is not available in this build yet.", ("class", "empty"));
        return Task.FromResult(Layout.Page("Corpus", "corpus", html));
    }
}
