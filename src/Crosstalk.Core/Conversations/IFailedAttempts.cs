using Crosstalk.Transcripts;

namespace Crosstalk.Conversations;

/// <summary>An exception that ended a message and knows every attempt made for it, the last included.</summary>
public interface IFailedAttempts
{
    /// <summary>The attempts, in order.</summary>
    IReadOnlyList<Attempt> Attempts { get; }
}
