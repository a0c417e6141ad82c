using Microsoft.Extensions.AI;

namespace Crosstalk.Conversations;

/// <summary>
/// Streamed by usage middleware once the cost of a reply is known (from the catalog's prices), so the runner
/// can record it on the message.
/// </summary>
public sealed class CostContent : AIContent
{
    public CostContent(decimal usd) => Usd = usd;

    /// <summary>The cost in US dollars.</summary>
    public decimal Usd { get; }
}
