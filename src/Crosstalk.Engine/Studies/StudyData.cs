using System.Globalization;
using Crosstalk.Analysis;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Studies;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Studies;

/// <summary>Reads a study's conversations from the store: each transcript, its analysis, and its place in the experiment.</summary>
public static class StudyData
{
    /// <summary>Every conversation of run <paramref name="runId"/>, in id order.</summary>
    public static async Task<IReadOnlyList<StudyConversation>> LoadRunAsync(ITranscriptStore store, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new List<long>();
        await foreach (var summary in store.ListConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false))
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
            conversations.Add(Of(id, transcript, plan, prompts));
        }

        return conversations;
    }

    /// <summary>
    /// One conversation with its factors: the opener ("blank", "none" or its first words), the system prompt (numbered in
    /// the order the run first uses them), which model opened, and the repetition.
    /// </summary>
    public static StudyConversation Of(long? id, Transcript transcript, ConversationPlan? plan, Dictionary<string, int> promptNumbers)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(promptNumbers);
        var analysis = TranscriptAnalyzer.Analyze(transcript, new AnalysisOptions { EndToken = plan?.EndToken ?? "[END]" });
        var factors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (plan is not null)
        {
            factors[StudyFactors.Opener] = plan.Opener switch
            {
                null => "none",
                { } o when string.IsNullOrWhiteSpace(o) => "blank",
                { } o => o.Length <= 32 ? $"\"{o}\"" : $"\"{o[..31]}…\"",
            };
            var template = plan.PromptTemplate ?? "(default)";
            if (!promptNumbers.TryGetValue(template, out var number))
            {
                number = promptNumbers.Count + 1;
                promptNumbers[template] = number;
            }

            factors[StudyFactors.SystemPrompt] = template == "(default)" ? "default" : "prompt " + number.ToString(CultureInfo.InvariantCulture);
        }

        if (transcript.Messages.Count > 0)
        {
            factors[StudyFactors.Order] = transcript.Messages[0].Speaker + " opens";
        }

        if (transcript.Metadata.TryGetValue(PlanMetadataKeys.Repetition, out var repetition))
        {
            factors[StudyFactors.Repetition] = repetition;
        }

        return new StudyConversation(id, transcript, analysis, factors);
    }
}
