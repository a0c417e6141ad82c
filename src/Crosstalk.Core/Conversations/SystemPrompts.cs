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
