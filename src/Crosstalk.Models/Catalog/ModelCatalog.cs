using System.Reflection;
using Crosstalk.Models.Providers;

namespace Crosstalk.Models.Catalog;

/// <summary>
/// The named models Crosstalk knows: the built-in entries, with a user file merged over them (same name replaces).
/// Resolves references written by users: a catalog name, <c>provider:model</c>, or a bare OpenRouter id such as
/// <c>x-ai/grok-4</c>.
/// </summary>
public sealed partial class ModelCatalog
{
    private const string BuiltInResource = "Crosstalk.Models.Catalog.Resources.builtin-models.yaml";
    private readonly Dictionary<string, ModelEntry> _byName;
    private readonly Dictionary<string, ProviderDefinition> _providers;
    private readonly Dictionary<(string Provider, string ModelId), ModelEntry> _priced = new(ProviderModelComparer.Instance);

    private ModelCatalog(Dictionary<string, ProviderDefinition> providers, List<ModelEntry> entries, string? userFile, SecretStore secrets)
    {
        _providers = providers;
        Entries = entries;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries.Where(e => e.HasPrice))
        {
            // The user's entries come after the built-ins: a price they give for a provider's model wins.
            _priced[(entry.Provider, entry.ModelId)] = entry;
        }

        UserFile = userFile;
        Secrets = secrets;
    }

    /// <summary>Every model, built-ins first, then the user's in file order.</summary>
    public IReadOnlyList<ModelEntry> Entries { get; }

    /// <summary>Every provider, usable as <c>provider:model</c>.</summary>
    public IEnumerable<ProviderDefinition> Providers => _providers.Values;

    /// <summary>The user file that was merged, if any.</summary>
    public string? UserFile { get; }

    /// <summary>Where keys come from.</summary>
    public SecretStore Secrets { get; }

    /// <summary>
    /// Loads the built-ins and merges <paramref name="userFile"/> over them. When <paramref name="userFile"/> is null the
    /// default location is used if it exists; an explicitly named file must exist.
    /// </summary>
    /// <exception cref="ModelCatalogException">The file is missing or not valid; the message names it, with line and column.</exception>
    public static ModelCatalog Load(string? userFile = null, SecretStore? secrets = null)
    {
        var path = userFile;
        if (path is not null && !File.Exists(path))
        {
            throw new ModelCatalogException($"The model catalog {path} does not exist.");
        }

        string? yaml = null;
        if (path is not null)
        {
            try
            {
                yaml = Crosstalk.Transcripts.Formats.AtomicFile.ReadAllText(path);
            }
            catch (Crosstalk.Transcripts.TranscriptFormatException ex)
            {
                throw new ModelCatalogException($"The model catalog {path} could not be read: {ex.Problem}{(ex.Line is { } line ? $" (line {line})" : "")}.", ex);
            }
        }

        return Create(yaml, path, secrets);
    }

    /// <summary>The built-ins merged with catalog YAML given as text (<paramref name="source"/> names it in errors).</summary>
    public static ModelCatalog Parse(string? userYaml, string source = "(text)", SecretStore? secrets = null) => Create(userYaml, source, secrets);

    /// <summary>Finds a catalog entry by name (case-insensitive).</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelEntry? entry) =>
        _byName.TryGetValue(name, out entry);

    /// <summary>Finds a provider by name (case-insensitive).</summary>
    public bool TryGetProvider(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ProviderDefinition? provider) =>
        _providers.TryGetValue(name, out provider);

    /// <summary>Whether the key the entry needs is available (always true for keyless endpoints). Never reveals the key.</summary>
    public bool KeyPresent(ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return KeyPresent(entry.KeyVariable);
    }

    /// <summary>Whether the key the provider needs is available (always true for keyless endpoints). Never reveals the key.</summary>
    public bool KeyPresent(ProviderDefinition provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return KeyPresent(provider.KeyVariable);
    }

    /// <summary>
    /// The entry's key variable as it may be shown: its name when that variable is set, or when it looks like a
    /// variable's name (capitals, digits, underscores). Anything else may be a key pasted into <c>key:</c>: null, and it
    /// is never echoed (and is redacted from everything from the moment the catalog is read). Null too when the endpoint
    /// needs no key (<see cref="ModelEntry.KeyVariable"/> is null).
    /// </summary>
    public string? KeyVariableForDisplay(ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return KeyVariableForDisplay(entry.KeyVariable);
    }

    /// <summary>The provider's key variable as it may be shown, by the same rule as <see cref="KeyVariableForDisplay(ModelEntry)"/>.</summary>
    public string? KeyVariableForDisplay(ProviderDefinition provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return KeyVariableForDisplay(provider.KeyVariable);
    }

    private bool KeyPresent(string? variable) => variable is null || Secrets.Has(variable);

    private string? KeyVariableForDisplay(string? variable) => variable is { } name && Showable(name, Secrets) ? name : null;

    private static bool Showable(string variable, SecretStore secrets) =>
        secrets.Has(variable) || (variable.Length <= 64 && ConventionalVariable().IsMatch(variable));

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex ConventionalVariable();

    /// <summary>
    /// Resolves a reference: a catalog name; <c>provider:model</c> for any provider (<c>moonshot:kimi-k2-0905-preview</c>,
    /// <c>ollama:llama3.2</c>); or a bare OpenRouter id containing '/' (<c>moonshotai/kimi-k2-0905:exacto</c>).
    /// </summary>
    /// <exception cref="ModelCatalogException">Nothing matches; the message names the reference.</exception>
    public ModelEntry Resolve(string reference)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        reference = reference.Trim();
        if (_byName.TryGetValue(reference, out var entry))
        {
            return entry;
        }

        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon < reference.Length - 1 && _providers.TryGetValue(reference[..colon], out var provider))
        {
            return AdHoc(reference, provider, reference[(colon + 1)..]);
        }

        if (reference.Contains('/', StringComparison.Ordinal) && _providers.TryGetValue("openrouter", out var openRouter))
        {
            return AdHoc(reference, openRouter, reference);
        }

        throw new ModelCatalogException(
            $"The model '{reference}' is neither in the catalog (see `crosstalk models`) nor a provider:model reference (providers: {string.Join(", ", _providers.Keys.Order(StringComparer.Ordinal))}).");
    }

    /// <summary>
    /// A model named by <c>provider:model</c> or a bare OpenRouter id. One the catalog knows under another name
    /// (<c>moonshotai/kimi-k2-0905:exacto</c> is <c>kimi-k2-openrouter</c>) costs what the catalog says: prices are found by
    /// provider and model id, whatever name was used.
    /// </summary>
    private ModelEntry AdHoc(string reference, ProviderDefinition provider, string modelId)
    {
        var priced = _priced.GetValueOrDefault((provider.Name, modelId));
        return new ModelEntry
        {
            Name = reference,
            DisplayName = ShortName(modelId),
            Provider = provider.Name,
            Api = provider.Api,
            ModelId = modelId,
            Endpoint = provider.Endpoint,
            KeyVariable = provider.KeyVariable,
            Limits = provider.Limits,
            Resilience = provider.Resilience,
            BlankMessage = provider.BlankMessage,
            InputPricePerMillion = priced?.InputPricePerMillion,
            OutputPricePerMillion = priced?.OutputPricePerMillion,
            Source = "ad hoc",
        };
    }

    // "moonshotai/kimi-k2-0905:exacto" shows as "kimi-k2-0905", the way the original runs named their seats.
    private static string ShortName(string modelId)
    {
        var name = modelId[(modelId.LastIndexOf('/') + 1)..];
        var variant = name.IndexOf(':', StringComparison.Ordinal);
        return variant > 0 ? name[..variant] : name;
    }

    private static ModelCatalog Create(string? userYaml, string? userSource, SecretStore? secrets)
    {
        var builtInDocument = CatalogParser.ReadDocument(ReadBuiltIn(), "built-in");
        var providers = CatalogParser.ReadProviders(builtInDocument, "built-in", new Dictionary<string, ProviderDefinition>());
        var source = userSource ?? "(text)";
        var userDocument = userYaml is null ? null : CatalogParser.ReadDocument(userYaml, source);
        if (userDocument is not null)
        {
            providers = CatalogParser.ReadProviders(userDocument, source, providers);
        }

        // Read with the user's providers: a provider the user redefines is redefined for the built-in models too, so
        // `gpt-4o` goes where the user's `openai` points, not to the endpoint (and key) it replaced.
        var entries = CatalogParser.ReadModels(builtInDocument, "built-in", providers).ToList();
        if (userDocument is not null)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var userEntry in CatalogParser.ReadModels(userDocument, source, providers))
            {
                if (!seen.Add(userEntry.Name))
                {
                    throw new ModelCatalogException($"The model catalog {source} defines the model '{userEntry.Name}' twice.");
                }

                var existing = entries.FindIndex(e => string.Equals(e.Name, userEntry.Name, StringComparison.OrdinalIgnoreCase));
                if (existing >= 0)
                {
                    entries[existing] = userEntry;
                }
                else
                {
                    entries.Add(userEntry);
                }
            }
        }

        secrets ??= SecretStore.None;
        foreach (var variable in providers.Values.Select(p => p.KeyVariable).Concat(entries.Select(e => e.KeyVariable)))
        {
            // What cannot be shown may be a key pasted into key: — no log line or trace repeats it either.
            if (variable is not null && !Showable(variable, secrets))
            {
                Crosstalk.Models.Providers.SecretRedactor.Register(variable);
            }
        }

        return new ModelCatalog(providers, entries, userSource, secrets);
    }

    private static string ReadBuiltIn()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(BuiltInResource)
            ?? throw new InvalidOperationException($"The built-in model catalog resource {BuiltInResource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class ProviderModelComparer : IEqualityComparer<(string Provider, string ModelId)>
    {
        public static ProviderModelComparer Instance { get; } = new();

        public bool Equals((string Provider, string ModelId) x, (string Provider, string ModelId) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Provider, y.Provider) && StringComparer.OrdinalIgnoreCase.Equals(x.ModelId, y.ModelId);

        public int GetHashCode((string Provider, string ModelId) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Provider), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.ModelId));
    }
}
