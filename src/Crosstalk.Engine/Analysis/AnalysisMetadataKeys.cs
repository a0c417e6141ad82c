namespace Crosstalk.Engine.Analysis;

/// <summary>Conversation metadata the stored analysis reads.</summary>
public static class AnalysisMetadataKeys
{
    /// <summary>The end token the conversation was run with, when it is not the default <c>[END]</c>.</summary>
    public const string EndToken = "endToken";
}
