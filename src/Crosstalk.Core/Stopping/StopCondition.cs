using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>
/// Base of the built-in stop conditions: compose them with <c>|</c> (stop when any fires) and <c>&amp;</c>
/// (stop once all have fired), as in AutoGen.
/// </summary>
public abstract class StopCondition : IStopCondition
{
    /// <inheritdoc />
    public abstract StopInfo? Check(ConversationState state);

    /// <summary>
    /// The number of messages at which this condition stops a conversation whatever is said, if there is one
    /// (<c>max-messages:N</c>, or the lowest such limit among conditions of which any stops); null otherwise.
    /// </summary>
    public virtual int? MessageLimit => null;

    /// <summary>Whether this condition (or one inside it) is a budget in dollars, which only counts models with a price.</summary>
    public virtual bool CountsCost => false;

    /// <summary>Stops when either condition fires.</summary>
    public static StopCondition operator |(StopCondition left, StopCondition right) => StopConditions.Any(left, right);

    /// <summary>Stops once both conditions have fired.</summary>
    public static StopCondition operator &(StopCondition left, StopCondition right) => StopConditions.All(left, right);

    /// <summary>The same as <c>this | other</c>.</summary>
    public StopCondition BitwiseOr(StopCondition other) => StopConditions.Any(this, other);

    /// <summary>The same as <c>this &amp; other</c>.</summary>
    public StopCondition BitwiseAnd(StopCondition other) => StopConditions.All(this, other);
}
