namespace Crosstalk.Transcripts.Formats;

/// <summary>The file formats a transcript can be read from and written to.</summary>
public enum TranscriptFormat
{
    /// <summary>The Markdown the original system wrote (the seed format): <c># A ↔ B</c>, a header, then <c>### Speaker</c> blocks.</summary>
    SeedMarkdown,

    /// <summary>Crosstalk's own JSON (<c>crosstalk-transcript/1</c>), one transcript per file.</summary>
    Json,

    /// <summary>The original Python system's JSON (<c>model_a</c>, <c>model_b</c>, <c>messages</c>, …).</summary>
    OriginalJson,

    /// <summary>Crosstalk's JSON, one compact transcript per line.</summary>
    Jsonl,

    /// <summary>ShareGPT chat data, a conversation per line (read only).</summary>
    ShareGpt,

    /// <summary>OpenAI chat fine-tuning data, a conversation per line (read only).</summary>
    OpenAIChat,

    /// <summary>An Inspect AI eval log in JSON, a conversation per sample (read only; <c>.eval</c> archives are read by the importer).</summary>
    InspectLog,

    /// <summary>An llm2llm conversation file (read only).</summary>
    Llm2Llm,

    /// <summary>liminal_backrooms' <c>conversation_full.html</c> (read only).</summary>
    LiminalBackrooms,

    /// <summary>A chat_bridge Markdown transcript (read only).</summary>
    ChatBridge,

    /// <summary>A UniversalBackrooms log (read only; the importer adds the metadata JSONL beside it).</summary>
    UniversalBackrooms,
}
