using Crosstalk.Models.Offline;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Microsoft.Extensions.AI;

namespace Crosstalk.Web;

/// <summary>The default model resolver of the web viewer: the offline agents, which need no network or key.</summary>
public static class OfflineModels
{
    /// <summary>How long an offline agent waits between words on the live page, so the stream is visible.</summary>
    public static readonly TimeSpan LiveTokenDelay = TimeSpan.FromMilliseconds(30);

    private static int _seed;

    /// <summary>Resolves <c>offline:eliza</c>, <c>offline:markov</c> or <c>replay:FILE#SEAT</c>, streaming a word every <see cref="LiveTokenDelay"/>.</summary>
    /// <exception cref="ArgumentException">The id names no offline agent, or the replay file cannot be read; the message says which.</exception>
    public static (IChatClient Client, string DisplayName) Resolve(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var options = new OfflineAgentOptions
        {
            TokenDelay = LiveTokenDelay,
            Seed = Interlocked.Increment(ref _seed),
            LoadTranscript = TranscriptFile.Read,
        };
        try
        {
            if (OfflineAgents.TryCreate(model.Trim(), options, out var client, out var displayName) && client is not null)
            {
                return (client, displayName ?? model);
            }
        }
        catch (Exception ex) when (ex is TranscriptFormatException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot use \"{model}\": {ex.Message}", nameof(model), ex);
        }

        throw new ArgumentException(
            $"Unknown model \"{model}\": this server knows only the offline agents ({string.Join(", ", OfflineAgents.Known)}).", nameof(model));
    }
}
