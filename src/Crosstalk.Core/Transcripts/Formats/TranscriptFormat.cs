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
}
