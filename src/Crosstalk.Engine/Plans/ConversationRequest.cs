namespace Crosstalk.Engine.Plans;

/// <summary>One conversation as a user asks for it (<c>crosstalk run</c>, the live page), before it is planned.</summary>
public sealed record ConversationRequest
{
    /// <summary>The seats, seat 1 first; at least two.</summary>
    public required IReadOnlyList<SeatRequest> Seats { get; init; }

    /// <summary>
    /// A system prompt template for every seat that has none of its own (<c>{self}</c>, <c>{other}</c> and <c>{end_token}</c>
    /// are filled in); null for the built-in prompt that offers the end token.
    /// </summary>
    public string? SystemPrompt { get; init; }

    /// <summary>The opener; null for the default (a replay's recorded opener, else a single space).</summary>
    public string? Opener { get; init; }

    /// <summary>No opener at all: the first seat speaks first, from its system prompt alone.</summary>
    public bool NoOpener { get; init; }

    /// <summary>The 1-based seat that sends the opener.</summary>
    public int FirstSeat { get; init; } = 1;

    /// <summary>The offline agents' seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>When to stop, in the stop-policy language.</summary>
    public string StopPolicy { get; init; } = new Experiments.StopSettings().ToPolicy();

    /// <summary>The end token.</summary>
    public string EndToken { get; init; } = "[END]";

    /// <summary>A folder to also write the transcript to (seed Markdown and Crosstalk JSON), rewritten after every message.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Run with a cost budget although a seat's model has no price (its cost is then not counted).</summary>
    public bool AllowUnpriced { get; init; }
}

/// <summary>One seat of a <see cref="ConversationRequest"/>.</summary>
/// <param name="Model">The model reference.</param>
/// <param name="Name">The display name; null for the model's own.</param>
/// <param name="SystemPrompt">A system prompt template for this seat only; null for the request's.</param>
public sealed record SeatRequest(string Model, string? Name = null, string? SystemPrompt = null);
