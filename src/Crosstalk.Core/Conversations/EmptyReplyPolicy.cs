namespace Crosstalk.Conversations;

/// <summary>What the runner does when a seat replies with nothing (or only white space, or only reasoning).</summary>
public enum EmptyReplyPolicy
{
    /// <summary>Ask once more; if the reply is still empty, record it and stop with reason <c>empty-reply</c>.</summary>
    RetryThenStop,

    /// <summary>Ask once more; if the reply is still empty, record it and let the next seat speak.</summary>
    RetryThenContinue,
}
