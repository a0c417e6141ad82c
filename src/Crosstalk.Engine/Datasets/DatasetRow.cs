using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Crosstalk.Engine.Datasets;

/// <summary>
/// One conversation as a dataset row (Parquet, the Hugging Face folder): the whole transcript with its provenance —
/// where it was made (run, conversation, source file), how (models, sampling options, seed, opener, system prompts,
/// stop policy), how it ended, what it cost, what the analysis found and what judges said. Column names are snake_case;
/// docs/datasets.md describes each one.
/// </summary>
/// <remarks>
/// Times are ISO 8601 strings with their offset (as in the JSON transcript), so nothing is shifted; costs are
/// decimals in US dollars. Every column the transcript needs is here, so a row imports back as the same conversation.
/// </remarks>
public sealed class DatasetRow
{
    /// <summary>The conversation's id in the store that made it (kept through export and import).</summary>
    [JsonPropertyName("conversation_id")]
    public long ConversationId { get; set; }

    /// <summary>The run that made it; null for a conversation started on its own (<c>crosstalk run</c>, the web form).</summary>
    [JsonPropertyName("run_id")]
    public string? RunId { get; set; }

    /// <summary>The file it was imported from, when it was.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("title")]
    public string Title { get; set; } = "";

    /// <summary>The experiment's name, for a batch conversation.</summary>
    [JsonPropertyName("experiment")]
    public string? Experiment { get; set; }

    /// <summary>Seat 1's model reference (the first two seats also have their own columns, to filter on).</summary>
    [JsonPropertyName("model_a")]
    public string? ModelA { get; set; }

    [JsonPropertyName("model_b")]
    public string? ModelB { get; set; }

    [JsonPropertyName("name_a")]
    public string? NameA { get; set; }

    [JsonPropertyName("name_b")]
    public string? NameB { get; set; }

    /// <summary>Every seat: name, model, system prompt and sampling options.</summary>
    [JsonPropertyName("seats")]
    public List<DatasetSeat> Seats { get; set; } = [];

    /// <summary>The opener the plan asked for (" " is the blank opener); null for none, or for a conversation without a plan.</summary>
    [JsonPropertyName("opener")]
    public string? Opener { get; set; }

    /// <summary>The seat that spoke first; null without a plan.</summary>
    [JsonPropertyName("first_seat")]
    public int? FirstSeat { get; set; }

    /// <summary>The conversation's seed (offline agents and providers that take one); null without a plan.</summary>
    [JsonPropertyName("seed")]
    public int? Seed { get; set; }

    /// <summary>The stop policy, as <c>crosstalk run --stop-policy</c> reads it; null without a plan.</summary>
    [JsonPropertyName("stop_policy")]
    public string? StopPolicy { get; set; }

    [JsonPropertyName("end_token")]
    public string? EndToken { get; set; }

    /// <summary>The message count of the parent this conversation was forked from, when it is a fork.</summary>
    [JsonPropertyName("forked_at")]
    public int? ForkedAt { get; set; }

    [JsonPropertyName("started")]
    public string? Started { get; set; }

    [JsonPropertyName("ended")]
    public string? Ended { get; set; }

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("stop_seat")]
    public int? StopSeat { get; set; }

    [JsonPropertyName("stop_message")]
    public int? StopMessage { get; set; }

    [JsonPropertyName("stop_detail")]
    public string? StopDetail { get; set; }

    /// <summary>The failed attempts of a conversation that stopped on an error.</summary>
    [JsonPropertyName("stop_attempts")]
    public List<DatasetAttempt> StopAttempts { get; set; } = [];

    [JsonPropertyName("message_count")]
    public int MessageCount { get; set; }

    [JsonPropertyName("input_tokens")]
    public long InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public long OutputTokens { get; set; }

    /// <summary>Total cost in US dollars; null when no message has a cost.</summary>
    [JsonPropertyName("cost")]
    [ParquetDecimal(38, 18)]
    public decimal? Cost { get; set; }

    /// <summary>Whether the analysis found a goodbye loop.</summary>
    [JsonPropertyName("goodbye_loop")]
    public bool GoodbyeLoop { get; set; }

    [JsonPropertyName("goodbye_loop_start")]
    public int? GoodbyeLoopStart { get; set; }

    [JsonPropertyName("goodbye_loop_end")]
    public int? GoodbyeLoopEnd { get; set; }

    /// <summary>The first message that ends with the end token, and its seat.</summary>
    [JsonPropertyName("first_end_message")]
    public int? FirstEndMessage { get; set; }

    [JsonPropertyName("first_end_seat")]
    public int? FirstEndSeat { get; set; }

    /// <summary>The first end both sides agreed to.</summary>
    [JsonPropertyName("mutual_end_message")]
    public int? MutualEndMessage { get; set; }

    [JsonPropertyName("refusals")]
    public int Refusals { get; set; }

    [JsonPropertyName("near_duplicate_pairs")]
    public int NearDuplicatePairs { get; set; }

    /// <summary>Judges' results, one entry per rubric and judge model (results as the JSON <c>crosstalk judge --json</c> prints).</summary>
    [JsonPropertyName("judges")]
    public List<DatasetJudge> Judges { get; set; } = [];

    /// <summary>The rest of the conversation's metadata (experiment key, number, repetition, parent, …).</summary>
    [JsonPropertyName("metadata")]
    public List<DatasetEntry> Metadata { get; set; } = [];

    [JsonPropertyName("messages")]
    public List<DatasetMessage> Messages { get; set; } = [];
}

/// <summary>One seat of a dataset row.</summary>
public sealed class DatasetSeat
{
    [JsonPropertyName("seat")]
    public int Seat { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("system_prompt")]
    public string? SystemPrompt { get; set; }

    [JsonPropertyName("temperature")]
    public float? Temperature { get; set; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    /// <summary>What a blank message was sent to this seat as, when its endpoint rejects blank messages.</summary>
    [JsonPropertyName("blank_message")]
    public string? BlankMessage { get; set; }
}

/// <summary>One message of a dataset row.</summary>
public sealed class DatasetMessage
{
    [JsonPropertyName("seat")]
    public int Seat { get; set; }

    [JsonPropertyName("speaker")]
    public string Speaker { get; set; } = "";

    [JsonPropertyName("content")]
    public string Content { get; set; } = "";

    [JsonPropertyName("timestamp")]
    public string? Timestamp { get; set; }

    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; set; }

    [JsonPropertyName("reasoning_tokens")]
    public long? ReasoningTokens { get; set; }

    /// <summary>Whether the token counts were estimated rather than reported by the provider.</summary>
    [JsonPropertyName("tokens_estimated")]
    public bool? TokensEstimated { get; set; }

    [JsonPropertyName("cost")]
    [ParquetDecimal(38, 18)]
    public decimal? Cost { get; set; }

    [JsonPropertyName("latency_ms")]
    public double? LatencyMs { get; set; }

    [JsonPropertyName("time_to_first_token_ms")]
    public double? TimeToFirstTokenMs { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }

    [JsonPropertyName("reasoning")]
    public string? Reasoning { get; set; }

    [JsonPropertyName("sent_as")]
    public string? SentAs { get; set; }

    [JsonPropertyName("attempts")]
    public List<DatasetAttempt> Attempts { get; set; } = [];
}

/// <summary>A failed attempt at a model call.</summary>
public sealed class DatasetAttempt
{
    [JsonPropertyName("number")]
    public int Number { get; set; }

    [JsonPropertyName("error")]
    public string Error { get; set; } = "";

    [JsonPropertyName("status_code")]
    public int? StatusCode { get; set; }

    [JsonPropertyName("duration_ms")]
    public double? DurationMs { get; set; }

    [JsonPropertyName("retry_after_ms")]
    public double? RetryAfterMs { get; set; }
}

/// <summary>The results of one judge rubric by one judge model.</summary>
public sealed class DatasetJudge
{
    [JsonPropertyName("rubric")]
    public string Rubric { get; set; } = "";

    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    /// <summary>The results, a JSON array.</summary>
    [JsonPropertyName("results")]
    public string Results { get; set; } = "";
}

/// <summary>A metadata entry.</summary>
public sealed class DatasetEntry
{
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [JsonPropertyName("value")]
    public string Value { get; set; } = "";
}
