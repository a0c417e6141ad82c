namespace Crosstalk.Conversations;

/// <summary>Something that happened in a running conversation, in order; see the derived records.</summary>
public abstract record ConversationEvent;
