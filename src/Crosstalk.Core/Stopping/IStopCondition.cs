using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>
/// Decides, after each completed message, whether a conversation should stop, and says why.
/// </summary>
/// <remarks>
/// Implementations keep no state of their own: one instance may serve many conversations at once. Anything a
/// condition needs to remember about a run lives in the <see cref="ConversationState"/>, which also caches each
/// message's detector results so that composed conditions compute them once.
/// </remarks>
public interface IStopCondition
{
    /// <summary>Returns why the conversation stops after its latest message, or <see langword="null"/> to go on.</summary>
    StopInfo? Check(ConversationState state);
}
