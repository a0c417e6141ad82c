namespace Crosstalk.Transcripts;

/// <summary>Keys of <see cref="Transcript.Metadata"/> that more than one part of Crosstalk reads or writes.</summary>
public static class TranscriptMetadataKeys
{
    /// <summary>Where the conversation came from (a log file, "web"); the corpus analysis shows it beside each conversation.</summary>
    public const string Source = "source";

    /// <summary>The file an imported conversation was read from, relative to the folder that was imported.</summary>
    public const string ImportedFrom = "importedFrom";
}
