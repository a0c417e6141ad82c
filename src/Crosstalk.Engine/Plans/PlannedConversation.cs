using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Plans;

/// <summary>A planned conversation ready to be stored: its plan, and its transcript so far (a fork's copied messages).</summary>
/// <param name="Plan">The plan, stored with it.</param>
/// <param name="Header">Title, participants, metadata and any messages it starts with.</param>
public sealed record PlannedConversation(ConversationPlan Plan, Transcript Header);
