using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Removes every key this process has loaded (and anything that looks like a key a provider echoed back, such as
/// OpenAI's "Incorrect API key provided: sk-…") from text before it reaches an exception, a log line or a transcript.
/// </summary>
public static partial class SecretRedactor
{
    private const string Mask = "[redacted]";
    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);

    /// <summary>Adds a value to remove from now on (a key read from the environment or a secrets file).</summary>
    public static void Register(string secret)
    {
        // Very short values would redact ordinary words; no real key is that short.
        if (secret.Length >= 8)
        {
            Secrets.TryAdd(secret, 0);
        }
    }

    /// <summary><paramref name="text"/> with every registered key, and anything that looks like a key, replaced by <c>[redacted]</c>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var secret in Secrets.Keys)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        text = EchoedKey().Replace(text, "$1" + Mask);
        return KeyLike().Replace(text, Mask);
    }

    [GeneratedRegex(@"(key provided:\s*|api[_ -]?key[""']?\s*[:=]\s*[""']?)[^\s""',.;&]+", RegexOptions.IgnoreCase)]
    private static partial Regex EchoedKey();

    [GeneratedRegex(@"\b(sk|xai|sk-ant|sk-or|AIza)[-_A-Za-z0-9]{16,}")]
    private static partial Regex KeyLike();
}
