using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Conversations;

/// <summary>
/// Streamed by resilience middleware when an attempt at a reply failed and is being retried, so the runner
/// can record the attempt on the message. Never shown to any seat.
/// </summary>
public sealed class AttemptContent : AIContent
{
    public AttemptContent(Attempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        Attempt = attempt;
    }

    /// <summary>The failed attempt.</summary>
    public Attempt Attempt { get; }
}
