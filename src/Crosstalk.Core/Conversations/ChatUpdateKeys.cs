namespace Crosstalk.Conversations;

/// <summary>
/// Keys of <see cref="Microsoft.Extensions.AI.ChatResponseUpdate.AdditionalProperties"/> that Crosstalk's middleware sets
/// for the conversation runner.
/// </summary>
public static class ChatUpdateKeys
{
    /// <summary>
    /// <c>true</c> on the update that reports a failed attempt which had already streamed text or reasoning: everything
    /// received for the message so far must be discarded, because the request is being made again from the start.
    /// </summary>
    public const string Restart = "crosstalk.restart";

    /// <summary>The key in <see cref="Microsoft.Extensions.AI.UsageDetails.AdditionalCounts"/> set to 1 when the counts were estimated locally.</summary>
    public const string Estimated = "estimated";
}
