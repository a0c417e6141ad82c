using Crosstalk.Conversations;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Execution;

/// <summary>
/// What a front hears of the conversations the engine runs: a progress display, a terminal that streams the text, a test.
/// Called from the conversations' tasks, often many at once; implementations must be quick and thread-safe. Every
/// method does nothing unless overridden.
/// </summary>
public abstract class RunObserver
{
    /// <summary>A conversation of the run as it stood before this process started working on it (a resume).</summary>
    public virtual void Earlier(ConversationSummary conversation)
    {
    }

    /// <summary>This process starts (or continues) a conversation.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="title">Its title.</param>
    /// <param name="messages">How many messages it already has.</param>
    /// <param name="messageLimit">The most messages its stop policy allows, if it sets a limit.</param>
    public virtual void ConversationStarted(long conversationId, string title, int messages, int? messageLimit)
    {
    }

    /// <summary>
    /// One event of a running conversation, in order. A <see cref="MessageCompleted"/> has been handed to the store (its
    /// write runs while the next reply is asked for); a <see cref="ConversationStopped"/> is stored.
    /// </summary>
    public virtual void ConversationEvent(long conversationId, ConversationEvent conversationEvent)
    {
    }

    /// <summary>
    /// Something about a conversation the user must hear that does not stop it: a file its plan names that can no longer
    /// be written (its messages are recorded in the store all the same).
    /// </summary>
    public virtual void Warning(long conversationId, string message)
    {
    }

    /// <summary>A conversation stopped, and its stop is stored.</summary>
    public virtual void ConversationStopped(long conversationId, StopInfo stop)
    {
    }

    /// <summary>A conversation this process was running stopped without a stored stop (the store failed, or another process took it over); it stays resumable.</summary>
    public virtual void ConversationAbandoned(long conversationId, string reason)
    {
    }

    /// <summary>A conversation was passed over: another process runs it, or the run's cost ceiling or an interrupt came first.</summary>
    public virtual void ConversationSkipped(long conversationId, string reason)
    {
    }

    /// <summary>Every conversation left is running in another process; this one waits for them (or for their leases to expire).</summary>
    public virtual void WaitingForOthers(int conversations)
    {
    }

    /// <summary>
    /// A follower's reading of how many messages a conversation running elsewhere has stored (<see cref="Runs.RunFollower"/>
    /// reads counts, not each message's events).
    /// </summary>
    public virtual void ConversationProgress(long conversationId, int messages)
    {
    }

    /// <summary>A follower's reading of the run's totals — messages, tokens, cost — over every conversation, wherever it runs.</summary>
    public virtual void Totals(RunSummary run)
    {
    }
}
