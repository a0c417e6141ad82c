using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Execution;
using Crosstalk.Engine.Hosting;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Engine.Recording;
using Crosstalk.Engine.Runs;
using Crosstalk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crosstalk.Engine;

/// <summary>
/// The engine every front uses — the CLI, the web viewer, a cluster silo, tests: create conversations with plans, then
/// execute them. It owns the store, the model resolver, this process's leases and its live text.
/// </summary>
public sealed class CrosstalkEngine : IAsyncDisposable
{
    private readonly bool _ownsStore;
    private readonly LeaseKeeper _leases;
    private readonly LiveTextWriter _live;
    private IDisposable? _ownedResolver;

    /// <summary>An engine over an open store and a resolver (the caller keeps owning both unless <paramref name="ownsStore"/>).</summary>
    public CrosstalkEngine(ITranscriptStore store, IModelResolver models, CrosstalkOptions? options = null, ILoggerFactory? loggerFactory = null, bool ownsStore = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(models);
        options ??= new CrosstalkOptions();
        Store = store;
        Models = models;
        Time = options.TimeProvider;
        _ownsStore = ownsStore;
        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        Owner = options.Owner ?? LeaseOwners.ForThisProcess(Guid.NewGuid().ToString("N")[..6]);
        _leases = new LeaseKeeper(store, Owner, options.LeaseDuration, Time, logs.CreateLogger("Crosstalk.Leases"));
        _live = new LiveTextWriter(store, Time, options.LiveInterval, logs.CreateLogger("Crosstalk.Live"));
        Analyses = new StoredAnalyses(store, Time, logs.CreateLogger("Crosstalk.Analysis"));
        Conversations = new ConversationExecutor(store, models, _leases, _live, options.StoreAnalyses ? Analyses : null, Time);
        Runs = new RunExecutor(store, Conversations, Time, options.LeaseDuration);
    }

    /// <summary>Opens the store <paramref name="options"/> names (creating and migrating it) and builds an engine that owns it.</summary>
    /// <exception cref="TranscriptStoreException">The store cannot be opened.</exception>
    /// <exception cref="ModelResolutionException">The model catalog named in the options cannot be read.</exception>
    public static async Task<CrosstalkEngine> OpenAsync(CrosstalkOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = await TranscriptStore.OpenAsync(options.Database, cancellationToken);
        try
        {
            return Create(store, options, loggerFactory);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>An engine over a store the caller opened, that takes the store over and makes its resolver from <see cref="CrosstalkOptions.Models"/>.</summary>
    public static CrosstalkEngine Create(ITranscriptStore store, CrosstalkOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var resolver = new ModelResolver(options.Models, options.TimeProvider);
        var engine = new CrosstalkEngine(store, resolver, options, loggerFactory, ownsStore: true);
        engine._ownedResolver = resolver;
        return engine;
    }

    /// <summary>The store.</summary>
    public ITranscriptStore Store { get; }

    /// <summary>The model resolver.</summary>
    public IModelResolver Models { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>This engine's lease owner id.</summary>
    public string Owner { get; }

    /// <summary>Runs one conversation from its plan and stored messages.</summary>
    public ConversationExecutor Conversations { get; }

    /// <summary>Runs the unfinished conversations of a run.</summary>
    public RunExecutor Runs { get; }

    /// <summary>The analyses kept with the conversations.</summary>
    public StoredAnalyses Analyses { get; }

    /// <summary>Stores a planned conversation outside any run (or in <paramref name="runId"/>) and returns its id; <see cref="Conversations"/> runs it.</summary>
    public Task<long> CreateConversationAsync(PlannedConversation conversation, string? runId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return Store.CreateConversationAsync(runId, conversation.Header, PlanJson.Write(conversation.Plan), cancellationToken);
    }

    /// <summary>Stores a planned run with all its conversations, in one transaction, and returns its id; <see cref="Runs"/> runs it.</summary>
    public Task<string> CreateRunAsync(RunPlan run, IReadOnlyList<PlannedConversation> conversations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(conversations);
        var started = Time.GetLocalNow();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["conversations"] = conversations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (run.Source is { } source)
        {
            metadata["source"] = source;
        }

        return Store.CreateRunAsync(
            new RunRecord { ExperimentName = run.Name, Started = started, Metadata = metadata, SpecJson = PlanJson.Write(run) },
            [.. conversations.Select(c => new NewConversation(c.Header, PlanJson.Write(c.Plan)))],
            cancellationToken);
    }

    /// <summary>The stored plan of a conversation; null when it has none (an import) or does not exist.</summary>
    /// <exception cref="PlanException">The stored plan cannot be read by this version.</exception>
    public async Task<ConversationPlan?> GetPlanAsync(long conversationId, CancellationToken cancellationToken = default) =>
        await Store.GetConversationSpecAsync(conversationId, cancellationToken) is { } json
            ? PlanJson.ReadConversation(json, $"Conversation {conversationId}")
            : null;

    /// <summary>Writes the live text of messages in flight now rather than at the next tick.</summary>
    public Task FlushLiveAsync(CancellationToken cancellationToken = default) => _live.FlushAsync(cancellationToken);

    /// <summary>Stops renewing leases and writing live text (writing what is pending), then closes what the engine owns.</summary>
    public async ValueTask DisposeAsync()
    {
        // A container that handed out the engine's store (AddCrosstalk registers it as a service of its own) disposes the
        // store before the engine when the store was resolved after it: then the leases cannot be given back (they expire
        // on their own, and another process takes the conversations over after that) and the live text in flight, which
        // is transient, cannot be written. Neither may turn a host's shutdown into an error.
        await DisposeUnlessStoreGoneAsync(_leases);
        await DisposeUnlessStoreGoneAsync(_live);

        _ownedResolver?.Dispose();
        if (_ownsStore)
        {
            await Store.DisposeAsync();
        }
    }

    private static async ValueTask DisposeUnlessStoreGoneAsync(IAsyncDisposable part)
    {
        try
        {
            await part.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
