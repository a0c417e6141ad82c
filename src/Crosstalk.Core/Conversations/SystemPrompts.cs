using System.Text;

namespace Crosstalk.Conversations;

/// <summary>System prompt templates and their placeholders: <c>{self}</c>, <c>{other}</c>, <c>{end_token}</c>.</summary>
public static class SystemPrompts
{
    /// <summary>
    /// Our default: the model is told that its messages go to another model, that no human will step in,
    /// and that it may end the conversation by finishing a message with the end token.
    /// </summary>
    public const string Default =
        "You are in a conversation with another AI model, not with a person. Everything you write is passed " +
        "straight to the other model, and its replies come straight back to you; no human will read along or step in. " +
        "Talk about whatever interests you both. If you want the conversation to end, finish your message with {end_token}.";

    private static readonly string[] Names = ["{self}", "{other}", "{end_token}"];

    /// <summary>The placeholders a template may use, in words.</summary>
    public static string Placeholders { get; } = string.Join(", ", Names[..^1]) + " and " + Names[^1];

    /// <summary>
    /// The one sentence that refuses a template using a <c>{word}</c> that is no placeholder, starting with
    /// <paramref name="what"/> (the option, key or seat it came from); null when the template is fine.
    /// </summary>
    public static string? PlaceholderProblem(string? template, string what) =>
        template is not null && UnknownPlaceholder(template) is { } unknown
            ? $"{what} has {unknown}, which is not a placeholder; the placeholders are {Placeholders}."
            : null;

    /// <summary>
    /// The first <c>{word}</c> in <paramref name="template"/> that is not a placeholder (a misspelt <c>{slef}</c> would
    /// otherwise reach the model as written), or null. Braces around anything else (JSON, code) are left alone.
    /// </summary>
    public static string? UnknownPlaceholder(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        for (var start = template.IndexOf('{'); start >= 0; start = template.IndexOf('{', start + 1))
        {
            var end = start + 1;
            while (end < template.Length && (char.IsAsciiLetterLower(template[end]) || template[end] == '_'))
            {
                end++;
            }

            if (end > start + 1 && end < template.Length && template[end] == '}')
            {
                var word = template[start..(end + 1)];
                if (Array.IndexOf(Names, word) < 0)
                {
                    return word;
                }
            }
        }

        return null;
    }

    /// <summary>Fills the placeholders of <paramref name="template"/>.</summary>
    public static string Fill(string template, string self, string other, string endToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new StringBuilder(template)
            .Replace("{self}", self)
            .Replace("{other}", other)
            .Replace("{end_token}", endToken)
            .ToString();
    }
}
