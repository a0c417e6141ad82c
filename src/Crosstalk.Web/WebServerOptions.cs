using Crosstalk.Storage;
using Microsoft.Extensions.AI;

namespace Crosstalk.Web;

/// <summary>How <see cref="CrosstalkWebServer"/> listens and what it serves.</summary>
public sealed class WebServerOptions
{
    /// <summary>The default address: loopback only, so nothing outside this machine can connect.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>The store whose runs and conversations are shown, and where live conversations are recorded. Required.</summary>
    public ITranscriptStore? Store { get; set; }

    /// <summary>
    /// The IP address to bind (or <c>localhost</c>). Anything other than a loopback address needs <see cref="AccessToken"/>.
    /// Defaults to <see cref="DefaultHost"/>.
    /// </summary>
    public string Host { get; set; } = DefaultHost;

    /// <summary>The TCP port; 0 (the default) picks a free one, reported by <see cref="CrosstalkWebServer.Address"/>.</summary>
    public int Port { get; set; }

    /// <summary>
    /// When set, every request must carry this token: as <c>?token=…</c> once (then a cookie keeps it), or as
    /// <c>Authorization: Bearer …</c>. Required for non-loopback hosts; see <see cref="AccessTokens.Generate"/>.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Turns a model id typed on the live page (<c>offline:eliza</c>, <c>openai:gpt-4o</c>, …) into a chat client and a
    /// display name; throws <see cref="ArgumentException"/> with a one-sentence message for an unknown id.
    /// Defaults to <see cref="OfflineModels.Resolve"/> (the offline agents, streaming a word every 30 ms).
    /// </summary>
    public Func<string, (IChatClient Client, string DisplayName)>? ModelResolver { get; set; }

    /// <summary>Model ids offered as suggestions on the live page; any other id may still be typed.</summary>
    public IReadOnlyList<string> SuggestedModels { get; set; } = ["offline:eliza", "offline:markov"];

    /// <summary>The clock for live conversations. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
