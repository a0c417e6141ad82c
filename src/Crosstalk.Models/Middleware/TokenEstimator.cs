using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Crosstalk.Models.Middleware;

/// <summary>Counts tokens locally (o200k_base) when a provider reports none, and to size token-per-minute permits.</summary>
internal static class TokenEstimator
{
    // Chat formats add a few tokens per message for roles and separators.
    private const int PerMessageOverhead = 4;
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Tokenizer.Value.CountTokens(text);

    public static int Count(IEnumerable<ChatMessage> messages) =>
        messages.Sum(m => PerMessageOverhead + Count(m.Text));
}
