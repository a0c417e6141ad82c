using Crosstalk.Engine;

namespace Crosstalk.Web;

/// <summary>How <see cref="CrosstalkWebServer"/> listens and what it serves.</summary>
public sealed class WebServerOptions
{
    /// <summary>The default address: loopback only, so nothing outside this machine can connect.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>How long an offline agent waits between words for conversations started on the live page, so the stream is visible.</summary>
    public static readonly TimeSpan OfflineTokenDelay = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// The engine: its store's runs and conversations are shown (live, whichever process runs them), and conversations
    /// started on the live page run in it. Required; the caller keeps owning it.
    /// </summary>
    public CrosstalkEngine? Engine { get; set; }

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
    /// The models the live page offers and runs: the offline agents and the model catalog's names (what the server's owner
    /// configured). Anything else typed into its form — a provider:model, an OpenRouter id, a local server's model, a replay
    /// of a file — is refused, so a visitor spends only on what was configured and reaches no other endpoint.
    /// </summary>
    public IReadOnlyList<string> LiveModels { get; set; } = Models.Offline.OfflineAgents.Talkers;

    /// <summary>How often a live page looks at the store for what its conversation did. Default 200 ms.</summary>
    public TimeSpan LivePollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Where a request that failed is reported, one line each (the CLI gives standard error). The browser gets an error
    /// page either way.
    /// </summary>
    public TextWriter? ErrorLog { get; set; }

    /// <summary>How often the server analyses conversations whose kept analysis is missing or stale (for the corpus page). Default 10 s; zero never.</summary>
    public TimeSpan AnalysisCatchUpInterval { get; set; } = TimeSpan.FromSeconds(10);
}
