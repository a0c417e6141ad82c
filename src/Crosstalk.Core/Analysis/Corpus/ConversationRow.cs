namespace Crosstalk.Analysis;

/// <summary>One line per conversation of a corpus: the facts a table or a chart needs, never the text.</summary>
/// <param name="Title">The transcript's title.</param>
/// <param name="Source">Where it came from (its <c>source</c> or <c>log_file</c> metadata), if known.</param>
/// <param name="Messages">Its length.</param>
/// <param name="StopReason">Its recorded stop reason, if any.</param>
/// <param name="FirstEnd">The first end-token message, if any.</param>
/// <param name="MessagesAfterFirstEnd">Messages after it.</param>
/// <param name="GoodbyeLoopStart">Where its goodbye loop starts, if it has one.</param>
/// <param name="GoodbyeLoopLength">How long the loop is (0 without one).</param>
/// <param name="Refusals">How many messages decline.</param>
/// <param name="NearDuplicates">How many near-duplicate pairs it has.</param>
/// <param name="GarbledWords">How many distinct garbled words it has.</param>
public sealed record ConversationRow(
    string Title,
    string? Source,
    int Messages,
    string? StopReason,
    int? FirstEnd,
    int MessagesAfterFirstEnd,
    int? GoodbyeLoopStart,
    int GoodbyeLoopLength,
    int Refusals,
    int NearDuplicates,
    int GarbledWords);
