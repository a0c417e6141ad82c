using Crosstalk.Models.Offline;
using Microsoft.Extensions.AI;

namespace Crosstalk.Web;

/// <summary>The default model resolver of the web viewer: the offline agents, which need no network or key.</summary>
public static class OfflineModels
{
    /// <summary>How long an offline agent waits between words on the live page, so the stream is visible.</summary>
    public static readonly TimeSpan LiveTokenDelay = TimeSpan.FromMilliseconds(30);

    /// <summary>Resolves an offline agent id such as <c>offline:eliza</c>.</summary>
    /// <exception cref="ArgumentException">The id names no offline agent.</exception>
    public static (IChatClient Client, string DisplayName) Resolve(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (string.Equals(model.Trim(), ElizaChatClient.ModelId, StringComparison.OrdinalIgnoreCase))
        {
            return (new ElizaChatClient { TokenDelay = LiveTokenDelay }, "ELIZA");
        }

        throw new ArgumentException($"Unknown model \"{model}\": this server knows only the offline agents (offline:eliza).", nameof(model));
    }
}
