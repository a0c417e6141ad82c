using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Storage;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk delete RUN|ID</c>: removes a run with its conversations, or one conversation, from the store.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Argument<string>("target") { Description = "A run id ('crosstalk list' shows them), or a conversation id (a number)." }.NotAnOption();
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking (needed when the input is not a terminal)." };
        var db = StoreOptions.CreateDbOption();
        var command = new Command(
            "delete",
            """
            Deletes a run with all its conversations, or one conversation, with their messages and analyses. Forks of a
            deleted conversation keep their own copies of the messages they share. Nothing that is running is
            deleted: stop it first.

            Examples:
              crosstalk delete r-20261123-041500-ab12
              crosstalk delete 42 --yes
            """)
        {
            target, yes, db,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = await StoreOptions.OpenExistingAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var what = parseResult.GetValue(target)!;
            var now = context.TimeProvider.GetUtcNow();
            string description;
            Func<Task<bool>> delete;
            if (long.TryParse(what, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                var status = await store.GetLiveStatusAsync(id, cancellationToken).ConfigureAwait(false)
                    ?? throw new UserException($"There is no conversation {id} in {store.Description}.");
                if (status.Stop is null && status.Lease.IsHeldAt(now))
                {
                    throw new UserException($"Conversation {id} is running (in {status.Lease.Owner}); stop it before deleting it.");
                }

                description = string.Create(CultureInfo.InvariantCulture, $"conversation {id} ({status.MessageCount} messages)");
                delete = () => store.DeleteConversationAsync(id, CancellationToken.None);
            }
            else
            {
                var run = await store.GetRunSummaryAsync(what, cancellationToken).ConfigureAwait(false)
                    ?? throw new UserException($"There is no run '{what}' in {store.Description}; 'crosstalk list' shows the runs.");
                if (await store.CountConversationsAsync(new ConversationQuery { RunId = what, RunningAt = now }, cancellationToken).ConfigureAwait(false) is > 0 and var running)
                {
                    throw new UserException($"{running} conversation(s) of run {what} are running; stop them before deleting the run.");
                }

                description = string.Create(CultureInfo.InvariantCulture, $"run {what} ({run.ExperimentName}: {run.Conversations:N0} conversations, {run.Messages:N0} messages)");
                delete = async () => await store.DeleteRunAsync(what, CancellationToken.None).ConfigureAwait(false) >= 0;
            }

            if (!parseResult.GetValue(yes))
            {
                if (!context.Console.Profile.Capabilities.Interactive)
                {
                    throw new UsageException($"This would delete {description} from {store.Description}; add --yes to do it.");
                }

                if (!await context.Console.ConfirmAsync($"Delete {TerminalText.Escape(description)} from {TerminalText.Escape(store.Description)}?", defaultValue: false, cancellationToken).ConfigureAwait(false))
                {
                    context.Console.MarkupLine("Nothing deleted.");
                    return ExitCodes.Success;
                }
            }

            if (!await delete().ConfigureAwait(false))
            {
                throw new UserException($"{what} was no longer in {store.Description}.");
            }

            context.Console.MarkupLine($"[green]Deleted[/] {TerminalText.Escape(description)}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
