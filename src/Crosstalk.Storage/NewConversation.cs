using Crosstalk.Transcripts;

namespace Crosstalk.Storage;

/// <summary>A conversation to create: its transcript so far (as <see cref="ITranscriptStore.CreateConversationAsync"/> takes it) and its plan.</summary>
/// <param name="Header">Title, participants, start, metadata, and any messages it starts with.</param>
/// <param name="SpecJson">Its plan as JSON, kept for running and resuming it.</param>
/// <param name="Analysis">The analysis of those messages, kept with them in the same transaction (an import's); it must have
/// seen all of them.</param>
public sealed record NewConversation(Transcript Header, string? SpecJson, AnalysisRecord? Analysis = null);
