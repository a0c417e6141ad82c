namespace Crosstalk.Transcripts;

/// <summary>The stable names of stop reasons, used in JSON, the store and the terminal alike.</summary>
public static class StopReasons
{
    public const string EndToken = "end-token";
    public const string MaxMessages = "max-messages";
    public const string TimeLimit = "time-limit";
    public const string TokenBudget = "token-budget";
    public const string CostBudget = "cost-budget";
    public const string GoodbyeLoop = "goodbye-loop";
    public const string Repetition = "repetition";
    public const string EmptyReply = "empty-reply";
    public const string Interrupted = "interrupted";
    public const string Error = "error";

    /// <summary>Every reason, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } =
        [EndToken, MaxMessages, TimeLimit, TokenBudget, CostBudget, GoodbyeLoop, Repetition, EmptyReply, Interrupted, Error];
}
