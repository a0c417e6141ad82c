namespace Crosstalk.Transcripts;

/// <summary>Keys of <see cref="Transcript.Metadata"/> that more than one part of Crosstalk reads or writes.</summary>
public static class TranscriptMetadataKeys
{
    /// <summary>Where the conversation came from (a log file, "web"); the corpus analysis shows it beside each conversation.</summary>
    public const string Source = "source";

    /// <summary>The file an imported conversation was read from, relative to the folder that was imported.</summary>
    public const string ImportedFrom = "importedFrom";

    /// <summary>The format a conversation was read from when another tool wrote it (<c>inspect-ai</c>, <c>sharegpt</c>, …).</summary>
    public const string SourceFormat = "sourceFormat";

    /// <summary>Where in its file a conversation was, when a file holds several (<c>line 12</c>, <c>sample 3, epoch 1</c>).</summary>
    public const string SourceLocation = "sourceLocation";

    /// <summary>
    /// <c>spoken</c> when the first message is a model's own words rather than an opener someone wrote (a UniversalBackrooms
    /// log, where the first seat speaks from its system prompt): the analysis then judges it like any other message.
    /// </summary>
    public const string FirstMessage = "firstMessage";

    /// <summary>The value of <see cref="FirstMessage"/> for a first message a model spoke.</summary>
    public const string FirstMessageSpoken = "spoken";
}
