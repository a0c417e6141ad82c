using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Studies;
using Crosstalk.Studies;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk sweep ID --at K --repeat N [--swap a=MODEL]</c>: how stable a conversation's ending is.</summary>
internal static class SweepCommand
{
    public static Command Create(CliContext context)
    {
        var conversation = new Argument<long>("conversation") { Description = "The stored conversation to branch ('crosstalk list RUN' shows the ids)." }.NotAnOption();
        var at = new Option<int>("--at") { Description = "Keep its first K messages, then let each continuation go on.", Required = true }.AtLeast(0);
        var repeat = new Option<int>("--repeat", "-n") { Description = "How many continuations (each with its own seed), 1 to 100,000.", DefaultValueFactory = _ => 10 }.Between(1, 100_000);
        var swaps = new Option<string[]>("--swap") { Description = "Another model at a seat for every continuation: a=MODEL, b=MODEL (or 1=, 2=); repeat for both seats." };
        var concurrency = new Option<int>("--concurrency", "-j") { Description = "Continuations at once.", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var db = StoreOptions.CreateDbOption();
        var modelsFile = ModelsOption.Create();
        var command = new Command(
            "sweep",
            """
            Forks N continuations of a stored conversation from message K and reports how often its ending (stop reason
            and who ended first) and its attractor (a goodbye loop) recur, with Wilson 95% intervals: how stable the
            state is. With --swap, another model takes one seat in every continuation: does it escape? Each
            continuation is stored as a fork (metadata 'sweep' = ID@K).

            Examples:
              crosstalk sweep 42 --at 20 --repeat 20
              crosstalk sweep 42 --at 20 --repeat 20 --swap b=gpt-4o
            """)
        {
            conversation, at, repeat, swaps, concurrency, json, db, modelsFile,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var seats = new Dictionary<int, string>();
            foreach (var swap in parseResult.GetValue(swaps) ?? [])
            {
                var equals = swap.IndexOf('=', StringComparison.Ordinal);
                var seatText = equals < 0 ? "" : swap[..equals].Trim();
                var seat = seatText.ToLowerInvariant() switch
                {
                    "a" => 1,
                    "b" => 2,
                    _ when int.TryParse(seatText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 => n,
                    _ => throw new UsageException($"--swap '{swap}': write SEAT=MODEL, e.g. --swap b=gpt-4o (seats a, b or 1, 2, …)."),
                };
                var model = swap[(equals + 1)..].Trim();
                if (model.Length == 0 || !seats.TryAdd(seat, model))
                {
                    throw new UsageException($"--swap '{swap}': name one model per seat, once.");
                }
            }

            var id = parseResult.GetValue(conversation);
            await using var engine = await CliEngine.OpenAsync(context, parseResult.GetValue(db), CliEngine.Models(context, parseResult.GetValue(modelsFile)), cancellationToken).ConfigureAwait(false);
            var repeatCount = parseResult.GetValue(repeat);
            var result = await BranchSweep.RunAsync(
                engine,
                id,
                parseResult.GetValue(at),
                repeatCount,
                seats,
                parseResult.GetValue(concurrency),
                (done, total) => context.Error.WriteLine($"continuation {done} of {total} ended"),
                cancellationToken).ConfigureAwait(false);
            // A continuation that failed is counted under "error" in the table: say so, so a column of failures is not read
            // as a stable ending, and fail the command when nothing but failures came back.
            var total = result.Continuations.Count;
            var failed = result.Failed;
            if (failed > 0)
            {
                context.Say("warning", failed == total
                    ? $"every one of the {total} continuations stopped on an error, so the table counts failures, not endings; 'crosstalk list --stop-reason error' shows them"
                    : $"{failed} of the {total} continuations stopped on an error (counted under 'error'); 'crosstalk list --stop-reason error' shows them");
            }

            var outcome = total > 0 && failed == total ? ExitCodes.UserError : ExitCodes.Success;
            var swapText = seats.Count == 0 ? null : string.Join(", ", seats.OrderBy(s => s.Key).Select(s => $"seat {s.Key} played by {s.Value}"));
            var report = SweepMeasures.Report(result.Parent, parseResult.GetValue(at), result.Continuations, swapText);
            if (parseResult.GetValue(json))
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(report, StudyJsonContext.Default.StudyReport)).ConfigureAwait(false);
                return outcome;
            }

            foreach (var renderable in StudyView.Render(report))
            {
                context.Console.Write(renderable);
            }

            return outcome;
        });
        return command;
    }
}
