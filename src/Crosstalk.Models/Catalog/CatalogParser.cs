using System.Globalization;
using Crosstalk.Models.Middleware;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Crosstalk.Models.Catalog;

/// <summary>Reads catalog YAML into providers and entries, turning every mistake into one sentence naming the file.</summary>
internal static partial class CatalogParser
{
    // A key given twice is refused: read as the last one, a second 'models:' list silently dropped the first.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .Build();

    // YamlDotNet's wording for a key given twice in one mapping, before the key.
    private const string DuplicateKey = "Encountered duplicate key ";

    public static CatalogDocument ReadDocument(string yaml, string source)
    {
        try
        {
            Crosstalk.Experiments.YamlText.Check(yaml);
            return Deserializer.Deserialize<CatalogDocument?>(yaml) ?? new CatalogDocument();
        }
        catch (YamlException ex)
        {
            var reason = LocationPrefix().Replace((ex.InnerException as YamlException ?? ex).Message, string.Empty).TrimEnd('.');
            if (ex.InnerException is InvalidOperationException)
            {
                // YamlDotNet's scanner gives up this way on some broken flow collections, with a message about itself.
                reason = Crosstalk.Experiments.YamlText.Unreadable;
            }
            else if (ex.InnerException is { } inner and not YamlException)
            {
                reason = inner.Message.TrimEnd('.');
            }

            if (UnknownProperty().Match(reason) is { Success: true } unknown)
            {
                // YamlDotNet's wording names our CLR type.
                reason = $"unknown key '{unknown.Groups[1].Value}' (docs/models.md lists the keys a catalog takes)";
            }
            else if (reason.StartsWith(DuplicateKey, StringComparison.Ordinal))
            {
                reason = $"the key '{reason[DuplicateKey.Length..]}' is given twice (only one of them would be used)";
            }
            else if (NoDeserializer().Match(reason) is { Success: true } wanted)
            {
                // YamlDotNet's wording names CLR types; say what the file needs instead.
                reason = $"expected {Shape(wanted.Groups[1].Value)} here";
            }
            else if (InvalidCast().Match(reason) is { Success: true } cast)
            {
                reason = $"expected {Shape(cast.Groups[2].Value)} here, not {Shape(cast.Groups[1].Value)}";
            }
            else if (ExpectedEvent().Match(reason) is { Success: true } parsed)
            {
                reason = $"expected {Shape(parsed.Groups[1].Value)} here, not {Shape(parsed.Groups[2].Value)}";
            }

            throw new ModelCatalogException(
                $"The model catalog {source} is not valid at line {ex.Start.Line}, column {ex.Start.Column}: {reason}.", ex);
        }
    }

    public static Dictionary<string, ProviderDefinition> ReadProviders(
        CatalogDocument document, string source, IReadOnlyDictionary<string, ProviderDefinition> existing)
    {
        var result = new Dictionary<string, ProviderDefinition>(existing, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, p) in document.Providers ?? [])
        {
            if (p is null)
            {
                throw new ModelCatalogException($"The model catalog {source} declares provider '{name}' without any settings.");
            }

            existing.TryGetValue(name, out var previous);
            var api = p.Api is null
                ? previous?.Api ?? throw new ModelCatalogException($"The model catalog {source} gives provider '{name}' no api (openai or anthropic).")
                : ParseApi(p.Api, source, $"provider '{name}'");
            var endpointText = p.Endpoint ?? previous?.Endpoint.ToString()
                ?? throw new ModelCatalogException($"The model catalog {source} gives provider '{name}' no endpoint.");
            result[name] = new ProviderDefinition
            {
                Name = name,
                Api = api,
                Endpoint = ParseEndpoint(endpointText, source, $"provider '{name}'"),
                KeyVariable = KeyVariable(p.Key, source, $"provider '{name}'") ?? previous?.KeyVariable,
                BlankMessage = p.BlankMessage ?? previous?.BlankMessage,
                Limits = Checked(p.Limits, source, $"provider '{name}'")?.ToLimits() ?? previous?.Limits ?? ModelLimits.None,
                Resilience = ReadResilience(p.Resilience, source, $"provider '{name}'")?.Over(previous?.Resilience) ?? previous?.Resilience ?? ModelResilience.None,
                Source = source,
            };
        }

        return result;
    }

    public static IEnumerable<ModelEntry> ReadModels(
        CatalogDocument document, string source, IReadOnlyDictionary<string, ProviderDefinition> providers)
    {
        var index = 0;
        foreach (var m in document.Models ?? [])
        {
            index++;
            if (m is null || string.IsNullOrWhiteSpace(m.Name))
            {
                throw new ModelCatalogException($"The model catalog {source} has a model (number {index}) without a name.");
            }

            var what = $"model '{m.Name}'";
            ProviderDefinition? provider = null;
            if (m.Provider is not null && !providers.TryGetValue(m.Provider, out provider))
            {
                throw new ModelCatalogException(
                    $"The model catalog {source} gives {what} the provider '{m.Provider}', which is not defined (known: {string.Join(", ", providers.Keys.Order(StringComparer.Ordinal))}).");
            }

            if (provider is null && (m.Endpoint is null || m.Api is null))
            {
                throw new ModelCatalogException($"The model catalog {source} gives {what} neither a provider nor an api and endpoint.");
            }

            var api = m.Api is null ? provider!.Api : ParseApi(m.Api, source, what);
            Check(m, source, what);
            var blank = m.BlankMessage ?? provider?.BlankMessage;
            yield return new ModelEntry
            {
                Name = m.Name,
                DisplayName = string.IsNullOrWhiteSpace(m.Display) ? m.Name : m.Display,
                Provider = m.Provider ?? m.Name,
                Api = api,
                ModelId = m.Model ?? m.Name,
                Endpoint = m.Endpoint is null ? provider!.Endpoint : ParseEndpoint(m.Endpoint, source, what),
                KeyVariable = KeyVariable(m.Key, source, what) ?? provider?.KeyVariable,
                ContextWindow = m.Context,
                InputPricePerMillion = m.Price?.Input,
                OutputPricePerMillion = m.Price?.Output,
                Sampling = new ModelSampling(m.Options?.Temperature, m.Options?.TopP, m.Options?.MaxTokens),
                Limits = (Checked(m.Limits, source, what)?.ToLimits() ?? ModelLimits.None).Over(provider?.Limits),
                Resilience = (ReadResilience(m.Resilience, source, what) ?? ModelResilience.None).Over(provider?.Resilience),
                BlankMessage = string.IsNullOrEmpty(blank) ? null : blank,
                Source = source,
            };
        }
    }

    // Values no provider would take, caught here with the file and model named rather than as a 400 mid-conversation.
    private static void Check(ModelDocument model, string source, string what)
    {
        if (model.Options is { } options)
        {
            // (Written as "in range" rather than "not out of it": NaN is out of every range, and no provider takes it.)
            Require(options.Temperature is not { } temperature || (temperature >= 0 && temperature <= 2), source, what, $"a temperature of {options.Temperature}; it must be from 0 to 2");
            Require(options.TopP is not { } topP || (topP >= 0 && topP <= 1), source, what, $"a topP of {options.TopP}; it must be from 0 to 1");
            Require(options.MaxTokens is not < 1, source, what, $"maxTokens of {options.MaxTokens}; it must be at least 1");
        }

        Require(model.Context is not < 1, source, what, $"a context of {model.Context}; it must be at least 1 token");
        if (model.Price is { } price)
        {
            Require(price.Input is not < 0 && price.Output is not < 0, source, what, "a negative price");
        }
    }

    private static LimitsDocument? Checked(LimitsDocument? limits, string source, string what)
    {
        if (limits is not null)
        {
            Require(limits.Concurrency is not < 1 && limits.Rpm is not < 1 && limits.Tpm is not < 1, source, what, "a limit below 1 (concurrency, rpm and tpm are counts; leave one out for no limit)");
        }

        return limits;
    }

    // Each value checked on its own, so that the message names the key; the whole is checked again, as the client will use
    // it, over the defaults.
    private static ModelResilience? ReadResilience(ResilienceDocument? document, string source, string what)
    {
        if (document is null)
        {
            return null;
        }

        Require(document.Attempts is null or (>= 1 and <= 100), source, what, $"resilience attempts of {document.Attempts}; it must be from 1 to 100");
        var resilience = new ModelResilience(
            document.Attempts,
            Duration(document.BaseDelay, "baseDelay"),
            Duration(document.MaxDelay, "maxDelay"),
            Duration(document.MaxRetryAfter, "maxRetryAfter"),
            Duration(document.TotalTimeout, "totalTimeout"),
            Duration(document.FirstTokenTimeout, "firstTokenTimeout"),
            Duration(document.IdleTimeout, "idleTimeout"),
            Duration(document.AttemptTimeout, "attemptTimeout"));
        // Every wait would be cut to maxDelay: the base given would never be used.
        Require(
            resilience.BaseDelay is not { } baseDelay || resilience.MaxDelay is not { } maxDelay || baseDelay <= maxDelay,
            source,
            what,
            $"resilience baseDelay of '{document.BaseDelay}', longer than its maxDelay of '{document.MaxDelay}'; backoff starts at baseDelay and grows up to maxDelay");
        return resilience;

        TimeSpan? Duration(string? text, string key)
        {
            if (text is null)
            {
                return null;
            }

            Require(Durations.TryParse(text, out var time), source, what, $"resilience {key} of '{text}'; {Durations.Expected}");
            Require(time <= ResilienceOptions.Longest, source, what, $"resilience {key} of '{text}'; it must be at most a day");
            return time;
        }
    }

    private static void Require(bool valid, string source, string what, string problem)
    {
        if (!valid)
        {
            throw new ModelCatalogException(string.Create(CultureInfo.InvariantCulture, $"The model catalog {source} gives {what} {problem}."));
        }
    }

    public static ModelApi ParseApi(string text, string source, string what) => text.Trim().ToUpperInvariant() switch
    {
        "OPENAI" => ModelApi.OpenAI,
        "ANTHROPIC" => ModelApi.Anthropic,
        _ => throw new ModelCatalogException($"The model catalog {source} gives {what} the api '{text}'; use openai or anthropic."),
    };

    private static Uri ParseEndpoint(string text, string source, string what)
    {
        if (!Uri.TryCreate(text.Trim().TrimEnd('/'), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ModelCatalogException($"The model catalog {source} gives {what} the endpoint '{text}', which is not an http(s) URL.");
        }

        // Never echoed: the part before '@' may be a password. The SDKs would not send it anyway.
        return uri.UserInfo.Length == 0
            ? uri
            : throw new ModelCatalogException(
                $"The model catalog {source} gives {what} an endpoint with a user name or password in it; put the key in an environment variable and name that variable in 'key:'.");
    }

    // `key:` names the environment variable that holds the key. Anything that cannot be a variable's name is most likely
    // the key itself pasted in the wrong place: refused without repeating it.
    private static string? KeyVariable(string? name, string source, string what) =>
        name is null || VariableName().IsMatch(name)
            ? name
            : throw new ModelCatalogException(
                $"The model catalog {source} gives {what} a 'key:' that is not the name of an environment variable. 'key:' names the variable that holds the key (such as OPENAI_API_KEY), never the key itself.");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    /// <summary>What a CLR type or a YAML parser event is in the words of a YAML file.</summary>
    private static string Shape(string type) =>
        type.Contains("List`", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) || type == "SequenceStart" ? "a list"
        : type.Contains("Dictionary`", StringComparison.Ordinal) || type == "MappingStart" || type.StartsWith("Crosstalk.", StringComparison.Ordinal) ? "a mapping"
        : "a single value";

    [GeneratedRegex("^No node deserializer was able to deserialize the node into type ([^,]+)")]
    private static partial Regex NoDeserializer();

    [GeneratedRegex(@"^Invalid cast from '([^']+)' to '([^']+)'")]
    private static partial Regex InvalidCast();

    [GeneratedRegex(@"^Expected '(\w+)', got '(\w+)'")]
    private static partial Regex ExpectedEvent();

    [GeneratedRegex("^Property '([^']*)' not found on type")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();
}
