using System.Net;
using Crosstalk.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Web;

/// <summary>
/// The browser viewer: conversations, search, runs, the live page and the corpus analysis, served by Kestrel.
/// It listens on loopback unless told otherwise, and anywhere else only with an access token.
/// </summary>
/// <example>
/// <code>
/// await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = engine, Port = 5080 });
/// console.WriteLine($"Open {server.Address}");
/// await server.WaitForShutdownAsync(cancellationToken);
/// </code>
/// </example>
public sealed class CrosstalkWebServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebContext _web;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _catchUp;

    private CrosstalkWebServer(WebApplication app, WebContext web, Uri address)
    {
        _app = app;
        _web = web;
        Address = address;
        if (web.Options.AnalysisCatchUpInterval > TimeSpan.Zero)
        {
            _catchUp = Task.Run(CatchUpAnalysesAsync);
        }
        else
        {
            _catchUp = Task.CompletedTask;
            web.AnalysesCaughtUp.TrySetResult();
        }
    }

    /// <summary>The URL to open in a browser; it carries <c>?token=…</c> when an access token is required.</summary>
    public Uri Address { get; }

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    /// <exception cref="ArgumentException">
    /// The options are invalid: no store, a host that is not an IP address or <c>localhost</c>, or a non-loopback host
    /// without an access token.
    /// </exception>
    /// <exception cref="IOException">The port is taken (the message names it).</exception>
    public static async Task<CrosstalkWebServer> StartAsync(WebServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var engine = options.Engine ?? throw new ArgumentException("The web server needs an engine (WebServerOptions.Engine).", nameof(options));
        var address = ParseHost(options.Host);
        if (!IPAddress.IsLoopback(address) && string.IsNullOrWhiteSpace(options.AccessToken))
        {
            throw new ArgumentException(
                $"Binding {options.Host} needs an access token (--token): anyone who can reach that address could read every conversation.",
                nameof(options));
        }

        if (options.AccessToken is { } token && token.Length < AccessTokens.MinimumLength)
        {
            throw new ArgumentException(
                $"An access token of {token.Length} character(s) is too easy to guess; use at least {AccessTokens.MinimumLength} (or give none: one is generated).",
                nameof(options));
        }

        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"The port {options.Port} is not between 0 and 65535.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(CrosstalkWebServer).Assembly.GetName().Name,
            EnvironmentName = "Production",
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port);
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var web = new WebContext(options, engine);
        Routes.Map(app, web, options.AccessToken);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"Cannot listen on {options.Host}:{options.Port}: {ex.Message}", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started without reporting its address.");
        var url = new UriBuilder(new Uri(bound));
        if (IPAddress.Any.Equals(address) || IPAddress.IPv6Any.Equals(address))
        {
            // A wildcard is no address to open; this machine's own name is the one others can use too.
            url.Host = Dns.GetHostName();
        }

        if (!string.IsNullOrWhiteSpace(options.AccessToken))
        {
            url.Query = AccessTokenMiddleware.QueryName + "=" + Uri.EscapeDataString(options.AccessToken);
        }

        return new CrosstalkWebServer(app, web, url.Uri);
    }

    /// <summary>Waits until <paramref name="cancellationToken"/> fires (Ctrl+C in the CLI), then stops.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The normal way to stop.
        }
    }

    /// <summary>Stops live conversations (recorded as interrupted) and the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _catchUp.ConfigureAwait(false);
        _stopping.Dispose();
        await _web.Live.DisposeAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Open event streams are cut off; that is fine at shutdown.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // Conversations stored without a current analysis (imported by an older version, analysed by an older analyzer, or
    // stopped in a process that could not keep it) are analysed in the background, a few hundred at a time, so the
    // corpus page only ever sums what is kept.
    private async Task CatchUpAnalysesAsync()
    {
        using var timer = new PeriodicTimer(_web.Options.AnalysisCatchUpInterval, _web.Time);
        try
        {
            do
            {
                try
                {
                    // The first pass goes through everything (an old store may need it), later ones through what is new.
                    var limit = _web.AnalysesCaughtUp.Task.IsCompleted ? 500 : int.MaxValue;
                    await _web.Engine.Analyses.CatchUpAsync(Storage.ConversationQuery.All, limit, cancellationToken: _stopping.Token).ConfigureAwait(false);
                }
                catch (Storage.TranscriptStoreException)
                {
                    // The store is away for now; the next tick tries again.
                }

                _web.AnalysesCaughtUp.TrySetResult();
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static IPAddress ParseHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host) || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (host is "*" or "+")
        {
            return IPAddress.Any;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address)
            ? address
            : throw new ArgumentException($"The host \"{host}\" is not an IP address; use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one interface's address.", nameof(host));
    }
}
