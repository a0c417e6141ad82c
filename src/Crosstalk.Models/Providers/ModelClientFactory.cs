using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Anthropic;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Middleware;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Turns a model reference into a ready <see cref="IChatClient"/>: the provider's official SDK client wrapped in
/// Crosstalk's middleware. One factory per process: its rate limiters and circuit breakers are shared by every client it
/// makes.
/// </summary>
/// <remarks>
/// The pipeline, outermost first:
/// <list type="number">
/// <item>default options from the catalog (temperature, top-p, max tokens), applied once per message;</item>
/// <item>rate limiting: one permit per message, held until the reply is read, shared per endpoint and model;</item>
/// <item>resilience (<see cref="ResilientChatClient"/>): Polly's retries, the endpoint's circuit breaker and each attempt's
/// timeout, with the entry's own <c>resilience:</c> settings over the process defaults;</item>
/// <item>usage and cost, per attempt, so the usage that reaches the caller is that of the attempt that succeeded;</item>
/// <item>OpenTelemetry (when enabled), one span per attempt;</item>
/// <item>the SDK's exceptions translated into <see cref="ProviderException"/>s (<see cref="ProviderErrorChatClient"/>);</item>
/// <item>the SDK client, over an HTTP handler that turns error responses into <see cref="ProviderException"/>s.</item>
/// </list>
/// A blank message is replaced where a conversation's seat views are made (<c>SeatView</c>), not here.
/// </remarks>
public sealed class ModelClientFactory : IDisposable
{
    private readonly ModelClientFactoryOptions _options;
    private readonly HttpClient _http;
    private readonly RateLimiterRegistry _limiters;
    private readonly ConcurrentDictionary<string, EndpointCircuit> _circuits = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Func<string, IChatClient>> _schemes = new(StringComparer.OrdinalIgnoreCase);

    public ModelClientFactory(ModelCatalog catalog, ModelClientFactoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        _options = options ?? new ModelClientFactoryOptions();
        _options.Resilience.Validate();
        _limiters = new RateLimiterRegistry(_options.Coordination);
        var transport = _options.HttpHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

        // Timeouts belong to the resilience layer, which knows first-token, idle and total bounds.
        _http = new HttpClient(new ProviderHttpHandler(transport, _options.TimeProvider), disposeHandler: _options.HttpHandler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The catalog references are resolved against.</summary>
    public ModelCatalog Catalog { get; }

    /// <summary>
    /// Lets references of the form <c>scheme:rest</c> (<c>offline:echo</c>, <c>replay:file.md</c>) create their own clients;
    /// <paramref name="create"/> receives <c>rest</c>. Such clients get no network middleware.
    /// </summary>
    public void RegisterScheme(string scheme, Func<string, IChatClient> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        ArgumentNullException.ThrowIfNull(create);
        _schemes[scheme.TrimEnd(':')] = create;
    }

    /// <summary>Resolves <paramref name="reference"/> (see <see cref="ModelCatalog.Resolve"/>) and creates its client.</summary>
    /// <exception cref="ModelCatalogException">The reference is unknown, or its key is missing (the message names the variable, never a value).</exception>
    public IChatClient CreateClient(string reference, out ModelEntry entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && _schemes.TryGetValue(reference[..colon], out var create))
        {
            var rest = reference[(colon + 1)..];
            entry = new ModelEntry
            {
                Name = reference,
                DisplayName = rest,
                Provider = reference[..colon],
                Api = ModelApi.External,
                ModelId = rest,
                Source = "ad hoc",
            };
            return create(rest);
        }

        entry = Catalog.Resolve(reference);
        return CreateClient(entry);
    }

    /// <summary>Creates the client pipeline for a catalog entry.</summary>
    public IChatClient CreateClient(ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Api == ModelApi.External || entry.Endpoint is null)
        {
            throw new ModelCatalogException($"The model '{entry.Name}' has no endpoint to call.");
        }

        var key = ReadKey(entry);
        var sdk = entry.Api == ModelApi.Anthropic
            ? new ProviderErrorChatClient(CreateAnthropic(entry, key), entry.DisplayName, ProviderErrorChatClient.FromAnthropic)
            : new ProviderErrorChatClient(CreateOpenAI(entry, key), entry.DisplayName, static (_, _) => null);
        var time = _options.TimeProvider;
        var logger = _options.LoggerFactory?.CreateLogger("Crosstalk.Models");
        var circuit = _circuits.GetOrAdd(entry.EndpointForDisplay!, endpoint => new EndpointCircuit(_options.Resilience, time, endpoint, _options.Coordination, logger));
        var limiters = _limiters.For(entry);
        var resilience = entry.Resilience.ApplyTo(_options.Resilience);

        var builder = new ChatClientBuilder(sdk);
        if (entry.Sampling is { Temperature: not null } or { TopP: not null } or { MaxOutputTokens: not null })
        {
            // Only when there is something to apply: ConfigureOptions copies the options on every call.
            builder.ConfigureOptions(o =>
            {
                o.Temperature ??= entry.Sampling.Temperature;
                o.TopP ??= entry.Sampling.TopP;
                o.MaxOutputTokens ??= entry.Sampling.MaxOutputTokens;
            });
        }

        builder
            .Use(inner => new RateLimitingChatClient(inner, limiters, entry.DisplayName, logger))
            .Use(inner => new ResilientChatClient(inner, resilience, circuit, entry.DisplayName, time, logger, _options.Jitter))
            .Use(inner => new UsageChatClient(inner, entry));
        if (_options.EnableOpenTelemetry)
        {
            builder.UseOpenTelemetry(_options.LoggerFactory, _options.TelemetrySourceName);
        }

        return builder.Build();
    }

    public void Dispose()
    {
        _http.Dispose();
        _limiters.Dispose();
    }

    private string? ReadKey(ModelEntry entry)
    {
        if (entry.KeyVariable is null)
        {
            return null;
        }

        var key = Catalog.Secrets.Get(entry.KeyVariable);
        if (!string.IsNullOrEmpty(key))
        {
            return key;
        }

        var where = Catalog.Secrets.SecretsFile is { } file ? $" (or in {file})" : "";
        throw new ModelCatalogException(Catalog.KeyVariableForDisplay(entry) is { } variable
            ? $"The model '{entry.Name}' needs an API key in the environment variable {variable}{where}, and none is set."
            : $"The model '{entry.Name}' needs an API key, and its catalog's key: names no variable that is set{where}. It is not shown, as it does not look like a variable's name and may be the key itself: key: names the variable that holds the key, such as OPENAI_API_KEY.");
    }

    private IChatClient CreateOpenAI(ModelEntry entry, string? key)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = entry.Endpoint,
            Transport = new HttpClientPipelineTransport(_http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // No per-read timeout in the SDK: the resilience layer bounds the first chunk, every gap between chunks and the
            // whole message.
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };

        // Local servers (Ollama, vLLM, llama.cpp) take any key, but the SDK insists on one.
        var chat = new OpenAI.Chat.ChatClient(entry.ModelId, new ApiKeyCredential(key ?? "no-key"), options);
        return new OpenAIReasoningChatClient(chat.AsIChatClient());
    }

    private IChatClient CreateAnthropic(ModelEntry entry, string? key)
    {
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = key ?? "no-key",
            BaseUrl = entry.Endpoint!.ToString().TrimEnd('/'),
            HttpClient = _http,
            MaxRetries = 0,
            Timeout = _options.Resilience.TotalTimeout,
        });
        return client.AsIChatClient(entry.ModelId, entry.Sampling.MaxOutputTokens ?? 4096);
    }
}
