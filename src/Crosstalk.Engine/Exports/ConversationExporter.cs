using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Crosstalk.Analysis;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Exports;

/// <summary>A conversation on its way out: its transcript with its provenance in the metadata, its plan and its analysis.</summary>
/// <param name="Id">Its id in this store.</param>
/// <param name="Transcript">The transcript; its metadata carries its <see cref="Provenance"/>.</param>
/// <param name="Plan">The plan it ran with, when known (a batch, <c>crosstalk run</c>, a fork; not a plain import).</param>
/// <param name="Analysis">What the analysis found.</param>
public sealed record ExportedConversation(long Id, Transcript Transcript, ConversationPlan? Plan, TranscriptAnalysis Analysis)
{
    /// <summary>Where it came from, as one string (<c>run/conversation</c>): what splits and duplicates are decided by.</summary>
    public string Origin =>
        (Transcript.Metadata.TryGetValue(Provenance.Run, out var run) ? run : "") + "/"
        + (Transcript.Metadata.TryGetValue(Provenance.Conversation, out var id) ? id : Id.ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// Reads the conversations an export writes, from runs, single conversations or the whole store, one at a time: filtered,
/// stamped with their provenance and, when asked, without repeats.
/// </summary>
public sealed class ConversationExporter
{
    /// <summary>The shingle similarity from which two whole conversations count as the same.</summary>
    public const double NearDuplicateThreshold = 0.9;

    private const int Signature = 128;
    private const int Bands = 32;
    private const int BandRows = Signature / Bands;

    private readonly ITranscriptStore _store;
    private readonly StoredAnalyses _analyses;
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Band, ulong Hash), List<int>> _buckets = [];
    private readonly List<ulong[]> _signatures = [];

    public ConversationExporter(ITranscriptStore store, StoredAnalyses analyses)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(analyses);
        _store = store;
        _analyses = analyses;
    }

    /// <summary>Conversations selected but left out by the filter.</summary>
    public int FilteredOut { get; private set; }

    /// <summary>Conversations left out as repeats of one exported before.</summary>
    public int Duplicates { get; private set; }

    /// <summary>
    /// The conversations of <paramref name="runs"/> and <paramref name="conversations"/> (each once, in id order), or of the
    /// whole store when both are empty, that pass <paramref name="filter"/>.
    /// </summary>
    public async IAsyncEnumerable<ExportedConversation> ReadAsync(
        IReadOnlyList<string> runs, IReadOnlyList<long> conversations, ExportFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(filter);
        var query = new ConversationQuery
        {
            StopReason = filter.StopReason,
            Participant = filter.Model,
            MinMessages = filter.MinMessages,
            MaxMessages = filter.MaxMessages,
        };
        var selected = new SortedDictionary<long, string?>();
        var queries = runs.Count == 0 && conversations.Count == 0 ? [query] : runs.Select(run => query with { RunId = run }).ToList();
        foreach (var q in queries)
        {
            await foreach (var summary in _store.ListConversationsAsync(q, cancellationToken))
            {
                selected[summary.Id] = summary.RunId;
            }
        }

        if (conversations.Count > 0)
        {
            // Conversations asked for by id pass the same filter, in the same pass over the store's list.
            var wanted = conversations.ToHashSet();
            await foreach (var summary in _store.ListConversationsAsync(query, cancellationToken))
            {
                if (wanted.Remove(summary.Id))
                {
                    selected[summary.Id] = summary.RunId;
                }
            }

            FilteredOut += wanted.Count;
        }

        foreach (var (id, runId) in selected)
        {
            if (await _store.GetTranscriptAsync(id, cancellationToken) is not { } transcript)
            {
                continue;
            }

            // The analysis of the transcript as stored (before its metadata becomes provenance), kept if it was not yet.
            var analysis = await _analyses.GetAsync(id, transcript, cancellationToken);
            var plan = Provenance.Stamp(transcript, id, runId, await _store.GetConversationSpecAsync(id, cancellationToken));
            if ((filter.NoGoodbyeLoop && analysis.GoodbyeLoop is not null) || !filter.Judges.All(j => j.Matches(transcript.Metadata)))
            {
                FilteredOut++;
                continue;
            }

            if (filter.Duplicates != DuplicateRemoval.None && IsRepeat(transcript, filter.Duplicates))
            {
                Duplicates++;
                continue;
            }

            yield return new ExportedConversation(id, transcript, plan, analysis);
        }
    }

    private bool IsRepeat(Transcript transcript, DuplicateRemoval removal)
    {
        // Each message as its seat and its length before its text: model output may hold any character, so no separator
        // could tell "a<US>2<RS>b" in one message from "a" and "b" in two.
        var text = new StringBuilder();
        foreach (var message in transcript.Messages)
        {
            text.Append(CultureInfo.InvariantCulture, $"{message.Seat}:{message.Content.Length}:").Append(message.Content);
        }

        if (!_exact.Add(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))))
        {
            return true;
        }

        if (removal != DuplicateRemoval.Near)
        {
            return false;
        }

        var shingles = ShingleSet.Create(string.Join('\n', transcript.Messages.Select(m => m.Content)));
        if (shingles.Count == 0)
        {
            // Without words (emoji, blanks) there is nothing to be nearly the same as: only the exact check applies.
            return false;
        }

        var signature = shingles.MinHash(Signature);
        var candidates = new HashSet<int>();
        for (var band = 0; band < Bands; band++)
        {
            if (_buckets.TryGetValue((band, BandHash(signature, band)), out var members))
            {
                candidates.UnionWith(members);
            }
        }

        foreach (var candidate in candidates)
        {
            var other = _signatures[candidate];
            var same = 0;
            for (var i = 0; i < Signature; i++)
            {
                same += signature[i] == other[i] ? 1 : 0;
            }

            if ((double)same / Signature >= NearDuplicateThreshold)
            {
                return true;
            }
        }

        var index = _signatures.Count;
        _signatures.Add(signature);
        for (var band = 0; band < Bands; band++)
        {
            var key = (band, BandHash(signature, band));
            if (!_buckets.TryGetValue(key, out var members))
            {
                _buckets[key] = members = [];
            }

            members.Add(index);
        }

        return false;
    }

    private static ulong BandHash(ulong[] signature, int band)
    {
        var hash = 14695981039346656037UL;
        for (var i = band * BandRows; i < (band + 1) * BandRows; i++)
        {
            hash = (hash ^ signature[i]) * 1099511628211UL;
        }

        return hash;
    }
}
