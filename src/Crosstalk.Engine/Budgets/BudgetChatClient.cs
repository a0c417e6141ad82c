using System.Globalization;
using System.Runtime.CompilerServices;
using Crosstalk.Conversations;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Engine.Budgets;

/// <summary>
/// Holds every reply of a seat to the run's cost ceiling: reserves before the reply is asked for, settles with its cost
/// (the <see cref="CostContent"/> the usage middleware adds) when it is done, and stops the conversation — as interrupted,
/// so that a higher ceiling can go on with it — when no reply fits any more.
/// </summary>
internal sealed class BudgetChatClient(IChatClient innerClient, IRunBudget budget) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reservation = await budget.TryReserveAsync(cancellationToken)
            ?? throw new ConversationStopException(new StopInfo(
                StopReasons.Interrupted,
                Detail: string.Create(CultureInfo.InvariantCulture, $"The run's cost ceiling of ${budget.Ceiling} is reached; a higher ceiling goes on from here.")));
        var cost = 0m;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                foreach (var content in update.Contents)
                {
                    if (content is CostContent price)
                    {
                        cost += price.Usd;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            await budget.SettleAsync(reservation, cost, CancellationToken.None);
        }
    }
}
