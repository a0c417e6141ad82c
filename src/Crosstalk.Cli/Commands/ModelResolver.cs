using Crosstalk.Models.Catalog;
using Crosstalk.Models.Offline;
using Crosstalk.Models.Providers;
using Crosstalk.Transcripts.Formats;
using Microsoft.Extensions.AI;

namespace Crosstalk.Cli.Commands;

/// <summary>A model reference resolved to the client that answers for a seat.</summary>
/// <param name="Model">The reference as the user typed it.</param>
/// <param name="DisplayName">The name transcripts show.</param>
/// <param name="Client">The client that answers.</param>
/// <param name="RecordedOpener">For a replay whose recording starts with this seat: the recorded opener, so the replay reproduces the original.</param>
/// <param name="BlankMessage">What a blank message is sent to this model as, when its endpoint rejects blank messages.</param>
internal sealed record ResolvedModel(string Model, string DisplayName, IChatClient Client, string? RecordedOpener = null, string? BlankMessage = null);

/// <summary>
/// Turns what the user typed for a seat into a client: an offline agent (<c>offline:eliza</c>, <c>replay:FILE#2</c>),
/// a catalog name, <c>provider:model</c> or a bare OpenRouter id. One resolver per process, so rate limits and
/// circuit breakers are shared by every conversation.
/// </summary>
internal sealed class ModelResolver : IDisposable
{
    private readonly CliContext _context;
    private readonly OfflineAgentOptions _offline;
    private readonly string? _modelsFile;
    private readonly bool _telemetry;
    private ModelClientFactory? _factory;

    public ModelResolver(CliContext context, int seed, TimeSpan tokenDelay, string? modelsFile = null, bool telemetry = false)
    {
        _context = context;
        _telemetry = telemetry;
        _modelsFile = modelsFile is null ? null : context.ResolvePath(modelsFile);
        _offline = new OfflineAgentOptions
        {
            Seed = seed,
            TokenDelay = tokenDelay,
            TimeProvider = context.TimeProvider,
            LoadTranscript = path => TranscriptFile.Read(context.ResolvePath(path)),
        };

        if (_modelsFile is not null)
        {
            // A catalog the user names is read now, so a mistake in it is reported even when every seat is offline.
            _ = Factory;
        }
    }

    /// <summary>The catalog (built-ins merged with the user's file), loaded on first use.</summary>
    public ModelCatalog Catalog => Factory.Catalog;

    private ModelClientFactory Factory => _factory ??= new ModelClientFactory(
        LoadCatalog(),
        new ModelClientFactoryOptions { TimeProvider = _context.TimeProvider, EnableOpenTelemetry = _telemetry, TelemetrySourceName = Telemetry.SourceName });

    /// <summary>
    /// <paramref name="reference"/> with a relative <c>replay:</c> path made absolute against the working directory, so
    /// that it names the same file wherever it is read again (a stored plan, a resume from another folder).
    /// </summary>
    public static string Anchor(CliContext context, string reference)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reference);
        const string Replay = "replay:";
        if (!reference.StartsWith(Replay, StringComparison.OrdinalIgnoreCase))
        {
            return reference;
        }

        var seat = reference.LastIndexOf('#');
        var end = seat > Replay.Length ? seat : reference.Length;
        return string.Concat(reference.AsSpan(0, Replay.Length), context.ResolvePath(reference[Replay.Length..end]), reference.AsSpan(end));
    }

    public ResolvedModel Resolve(string reference, string optionName, int? seed = null)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new UserException($"{optionName} needs a model, e.g. offline:eliza.");
        }

        try
        {
            var options = seed is { } s ? Clone(_offline, s) : _offline;
            if (OfflineAgents.TryCreate(reference, options, out var client, out var displayName))
            {
                return new ResolvedModel(reference, displayName!, client!, (client as ReplayChatClient)?.Opener);
            }

            var provided = Factory.CreateClient(reference, out var entry);
            return new ResolvedModel(reference, entry.DisplayName, provided, BlankMessage: entry.BlankMessage);
        }
        catch (Exception ex) when (ex is ArgumentException or ModelCatalogException or ProviderException or InvalidOperationException)
        {
            // An ArgumentException's message ends with the name of a parameter of ours, which means nothing to a user.
            var message = ex is ArgumentException { ParamName: { } parameter } ? ex.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : ex.Message;
            throw new UserException($"{optionName} {reference}: {message}", ex);
        }
    }

    public void Dispose() => _factory?.Dispose();

    private ModelCatalog LoadCatalog()
    {
        var secrets = new SecretStore(environment: _context.Environment);
        return ModelCatalog.Load(_modelsFile, secrets);
    }

    private static OfflineAgentOptions Clone(OfflineAgentOptions options, int seed) => new()
    {
        Seed = seed,
        CorpusDirectory = options.CorpusDirectory,
        LoadTranscript = options.LoadTranscript,
        TokenDelay = options.TokenDelay,
        TimeProvider = options.TimeProvider,
    };
}
