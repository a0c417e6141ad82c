using Crosstalk.Transcripts;

namespace Crosstalk.Conversations;

/// <summary>
/// Thrown by a chat client in a seat's pipeline to end the conversation with a given stop (the run's cost ceiling, say)
/// rather than as an error: the runner records <see cref="Stop"/> and keeps every completed message.
/// </summary>
public sealed class ConversationStopException : Exception
{
    public ConversationStopException()
        : this(new StopInfo(StopReasons.Interrupted))
    {
    }

    public ConversationStopException(string message)
        : this(new StopInfo(StopReasons.Interrupted, Detail: message))
    {
    }

    public ConversationStopException(string message, Exception innerException)
        : base(message, innerException)
    {
        Stop = new StopInfo(StopReasons.Interrupted, Detail: message);
    }

    public ConversationStopException(StopInfo stop)
        : base(stop?.Detail ?? stop?.Reason)
    {
        ArgumentNullException.ThrowIfNull(stop);
        Stop = stop;
    }

    /// <summary>How the conversation stops.</summary>
    public StopInfo Stop { get; }
}
