using System.Globalization;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Exports;

/// <summary>
/// Where a conversation came from, carried in its metadata through every export and import: the run and conversation
/// that made it, the file it was first imported from, and the plan it ran with. A conversation exported, imported into
/// another store and exported again names the same origin, so the two exports are the same bytes.
/// </summary>
public static class Provenance
{
    /// <summary>The run that made the conversation (absent for one started on its own).</summary>
    public const string Run = "origin.run";

    /// <summary>The conversation's id in the store that made it.</summary>
    public const string Conversation = "origin.conversation";

    /// <summary>The file the conversation was first imported from.</summary>
    public const string Source = "origin.source";

    /// <summary>The plan it ran with (JSON, as stored with it; without its local output paths).</summary>
    public const string Plan = "origin.plan";

    /// <summary>The prefix every provenance key has.</summary>
    public const string Prefix = "origin.";

    /// <summary>
    /// The transcript as it is exported: this store's bookkeeping (the file it was imported from, its content hash) is
    /// replaced by provenance — the provenance it was imported with, when an earlier export gave it some, else this store's
    /// run and id and the file it was imported from. Returns the plan it ran with, if known.
    /// </summary>
    /// <param name="transcript">A transcript read from the store; its metadata is changed.</param>
    /// <param name="id">Its id in the store.</param>
    /// <param name="runId">Its run in the store, if any.</param>
    /// <param name="specJson">The plan stored with it, if any.</param>
    public static ConversationPlan? Stamp(Transcript transcript, long id, string? runId, string? specJson)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var metadata = transcript.Metadata;
        var carried = metadata.ContainsKey(Conversation);
        metadata.Remove(TranscriptMetadataKeys.ImportedFrom, out var importedFrom);
        metadata.Remove(StoreMetadataKeys.ContentHash);
        metadata.Remove(StoreMetadataKeys.ImportedFile);
        if (!carried)
        {
            // Made here, or imported from a file that carried no provenance: this store is where it came from.
            metadata[Conversation] = id.ToString(CultureInfo.InvariantCulture);
            if (runId is not null)
            {
                metadata[Run] = runId;
            }

            if (importedFrom is not null)
            {
                metadata[Source] = importedFrom;
            }
        }

        if (!metadata.ContainsKey(Plan) && specJson is not null)
        {
            var plan = PlanJson.ReadConversation(specJson, string.Create(CultureInfo.InvariantCulture, $"Conversation {id}")) with { MarkdownPath = null, JsonPath = null, JsonFormat = null };
            metadata[Plan] = PlanJson.Write(plan);
            return plan;
        }

        if (!metadata.TryGetValue(Plan, out var json))
        {
            return null;
        }

        try
        {
            return PlanJson.ReadConversation(json, string.Create(CultureInfo.InvariantCulture, $"The provenance of conversation {id}"));
        }
        catch (PlanException)
        {
            // Carried in from a file (another tool's, a later version's, or edited by hand): exported as the text it came
            // as, without the plan's columns, rather than stopping the export of the whole store.
            return null;
        }
    }
}
