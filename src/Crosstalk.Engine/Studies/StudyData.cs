using System.Globalization;
using Crosstalk.Analysis;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Studies;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Studies;

/// <summary>Reads a study's conversations from the store: each transcript, its analysis, and its place in the experiment.</summary>
public static class StudyData
{
    /// <summary>Every conversation of run <paramref name="runId"/>, in id order.</summary>
    public static Task<IReadOnlyList<StudyConversation>> LoadRunAsync(ITranscriptStore store, string runId, CancellationToken cancellationToken = default) =>
        LoadAsync(store, new ConversationQuery { RunId = runId }, cancellationToken);

    /// <summary>The conversations <paramref name="query"/> selects, oldest first.</summary>
    public static async Task<IReadOnlyList<StudyConversation>> LoadAsync(ITranscriptStore store, ConversationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        var ids = new List<long>();
        await foreach (var summary in store.ListConversationsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            ids.Add(summary.Id);
        }

        ids.Sort();
        return await LoadAsync(store, ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The conversations <paramref name="ids"/>, in that order; an id the store does not hold is left out.</summary>
    public static async Task<IReadOnlyList<StudyConversation>> LoadAsync(ITranscriptStore store, IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ids);
        var prompts = new Dictionary<string, int>(StringComparer.Ordinal);
        var analyses = new StoredAnalyses(store);
        var conversations = new List<StudyConversation>(ids.Count);
        foreach (var id in ids)
        {
            if (await store.GetTranscriptAsync(id, cancellationToken).ConfigureAwait(false) is not { } transcript)
            {
                continue;
            }

            var plan = await store.GetConversationSpecAsync(id, cancellationToken).ConfigureAwait(false) is { } json
                ? PlanJson.ReadConversation(json, $"Conversation {id.ToString(CultureInfo.InvariantCulture)}")
                : null;
            // The analysis kept with the conversation, as analyze and the viewer read it (made and kept now if missing).
            conversations.Add(Of(id, transcript, plan, prompts, await analyses.GetAsync(id, transcript, cancellationToken).ConfigureAwait(false)));
        }

        return conversations;
    }

    /// <summary>
    /// One conversation with its factors: the opener ("blank", "none", or its words), the system prompt (numbered in the
    /// order the run first uses them), which model opened, and the repetition. <paramref name="numbers"/> carries the
    /// numbering from one conversation of a run to the next.
    /// </summary>
    public static StudyConversation Of(long? id, Transcript transcript, ConversationPlan? plan, Dictionary<string, int> numbers, TranscriptAnalysis? analysis = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(numbers);
        analysis ??= StoredAnalyses.Analyze(transcript);
        var factors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (plan is not null)
        {
            // A long opener is shown by its number and first words: two openers that begin alike stay apart.
            factors[StudyFactors.Opener] = plan.Opener switch
            {
                null => "none",
                { } o when string.IsNullOrWhiteSpace(o) => "blank",
                { } o when o.Length <= 40 => $"\"{o}\"",
                { } o => $"opener {Number("opener\u001f" + o).ToString(CultureInfo.InvariantCulture)}: \"{o[..30]}…\"",
            };
            var template = plan.PromptTemplate;
            factors[StudyFactors.SystemPrompt] = template is null ? "default" : "prompt " + Number("prompt\u001f" + template).ToString(CultureInfo.InvariantCulture);
        }

        if (transcript.Messages.Count > 0)
        {
            factors[StudyFactors.Order] = transcript.Messages[0].Speaker + " opens";
        }

        if (transcript.Metadata.TryGetValue(PlanMetadataKeys.Repetition, out var repetition))
        {
            factors[StudyFactors.Repetition] = repetition;
        }

        return new StudyConversation(id, transcript, analysis, factors, ScriptedOpener: plan?.Opener is not null);

        // Numbered in the order the run first uses them, per kind.
        int Number(string key)
        {
            if (!numbers.TryGetValue(key, out var number))
            {
                var kind = key[..key.IndexOf('\u001f', StringComparison.Ordinal)];
                number = numbers.Keys.Count(k => k.StartsWith(kind + "\u001f", StringComparison.Ordinal)) + 1;
                numbers[key] = number;
            }

            return number;
        }
    }
}
