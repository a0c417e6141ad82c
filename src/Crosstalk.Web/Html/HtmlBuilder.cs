using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Crosstalk.Web.Html;

/// <summary>
/// Writes HTML where every value is encoded: text through <c>Text</c>, attributes through the attribute
/// overloads. Only <see cref="Raw"/> writes unencoded markup, and it is used for our own constant markup and for
/// the sanitised output of <see cref="Markdown.SafeMarkdown"/>, never for stored or user-supplied text.
/// </summary>
internal sealed class HtmlBuilder
{
    // Letters stay readable in the page source; the encoder still escapes < > & " ' and control characters.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _html = new(4096);

    public int Length => _html.Length;

    // A bidirectional override is decoded from its entity as well, so it is shown as U+FFFD (ErrorText.InDisplayOrder).
    public static string Encode(string? value) => value is null ? string.Empty : Encoder.Encode(Transcripts.ErrorText.InDisplayOrder(value));

    public HtmlBuilder Raw(string trustedHtml)
    {
        _html.Append(trustedHtml);
        return this;
    }

    public HtmlBuilder Text(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Encoder.Encode(new StringWriter(_html, CultureInfo.InvariantCulture), Transcripts.ErrorText.InDisplayOrder(value));
        }

        return this;
    }

    public HtmlBuilder Text(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Opens <paramref name="tag"/> with attributes given as name/value pairs; a null value leaves the attribute out.</summary>
    public HtmlBuilder Open(string tag, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        _html.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _html.Append(' ').Append(name);
            if (value.Length > 0 || name is "value" or "alt")
            {
                _html.Append("=\"");
                Text(value);
                _html.Append('"');
            }
        }

        _html.Append('>');
        return this;
    }

    public HtmlBuilder Close(string tag)
    {
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Writes a whole element whose content is encoded text.</summary>
    public HtmlBuilder Element(string tag, string? text, params ReadOnlySpan<(string Name, string? Value)> attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    public HtmlBuilder Link(string href, string? text, string? cssClass = null) =>
        Element("a", text, ("href", href), ("class", cssClass));

    public override string ToString() => _html.ToString();
}
