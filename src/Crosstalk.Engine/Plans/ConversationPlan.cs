using System.Text.Json.Serialization;
using Crosstalk.Experiments;

namespace Crosstalk.Engine.Plans;

/// <summary>
/// Everything needed to run a conversation, or to continue it, from the store alone: stored with every conversation,
/// whoever started it (<c>crosstalk run</c>, a batch, a fork, the live page, a cluster silo).
/// </summary>
public sealed record ConversationPlan
{
    /// <summary>The opener the original system sent: a single space.</summary>
    public const string DefaultOpener = " ";

    /// <summary>The format of this record; plans stored by a later Crosstalk carry a higher one.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The seats, seat 1 first; at least two.</summary>
    public required IReadOnlyList<SeatPlan> Seats { get; init; }

    /// <summary>
    /// The opener, attributed to <see cref="FirstSeat"/> (<see cref="DefaultOpener"/>, a single space, as the original
    /// system sent); null for none, when the first seat speaks from its system prompt alone. Always stored, null included.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Opener { get; init; }

    /// <summary>The 1-based seat that sends the opener (or speaks first without one).</summary>
    public int FirstSeat { get; init; } = 1;

    /// <summary>The seed of the offline agents (and of providers that take one), so the conversation can be repeated exactly.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>When the conversation stops, in the stop-policy language (<c>end-token:any | max-messages:100 | goodbye-loop</c>).</summary>
    public string StopPolicy { get; init; } = new StopSettings().ToPolicy();

    /// <summary>The end token the stop policy and the analysis look for.</summary>
    public string EndToken { get; init; } = "[END]";

    /// <summary>The transcript's title; the seats' names joined by " ↔ " when null.</summary>
    public string? Title { get; init; }

    /// <summary>For a fork: how many messages were copied from its parent (their stops were the parent's to decide).</summary>
    public int ForkedAt { get; init; }

    /// <summary>The experiment's stable key for this conversation, when it belongs to one.</summary>
    public string? Key { get; init; }

    /// <summary>1-based position in the experiment's expansion.</summary>
    public int? Number { get; init; }

    /// <summary>1-based repetition of its combination (the original system's <c>run{n}</c>).</summary>
    public int? Repetition { get; init; }

    /// <summary>The experiment's system prompt template this conversation was planned with (a factor, like the opener), unfilled.</summary>
    public string? PromptTemplate { get; init; }

    /// <summary>A file rewritten in the seed Markdown format after every message, if any (as the original system did).</summary>
    public string? MarkdownPath { get; init; }

    /// <summary>A JSON file rewritten after every message, if any.</summary>
    public string? JsonPath { get; init; }

    /// <summary>
    /// The format of <see cref="JsonPath"/>: null for the original system's JSON (what a batch writes beside its Markdown),
    /// <see cref="ConversationPlanner.CrosstalkJson"/> for Crosstalk's own.
    /// </summary>
    public string? JsonFormat { get; init; }
}
