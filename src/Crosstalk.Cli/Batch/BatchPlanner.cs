using System.Globalization;
using Crosstalk.Cli.Commands;
using Crosstalk.Conversations;
using Crosstalk.Experiments;

namespace Crosstalk.Cli.Batch;

/// <summary>Expands an experiment into the stored plan of a run: names, filled prompts, options, files.</summary>
internal static class BatchPlanner
{
    public static BatchRunSpec Plan(Experiment experiment, BatchModelFactory models, DateTimeOffset started, string? outputDirectory, Func<string, string>? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in experiment.Models)
        {
            if (!names.ContainsKey(model.Reference))
            {
                names[model.Reference] = models(model.Reference, experiment.Seed).DisplayName;
            }
        }

        var stop = BatchStop.From(experiment.Stop);
        var stamp = started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var usedStems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var conversations = new List<BatchConversationSpec>();
        foreach (var plan in experiment.Expand())
        {
            var first = plan.First.DisplayName ?? names[plan.First.Reference];
            var second = plan.Second.DisplayName ?? names[plan.Second.Reference];
            string? markdown = null, json = null;
            if (outputDirectory is not null)
            {
                var stem = $"{TranscriptFiles.SafeName(first)}_vs_{TranscriptFiles.SafeName(second)}_{stamp}_run{plan.Repetition}";
                var candidate = stem;
                for (var n = 2; !usedStems.Add(candidate); n++)
                {
                    candidate = $"{stem}_{n}";
                }

                markdown = Path.Combine(outputDirectory, candidate + ".md");
                json = Path.Combine(outputDirectory, candidate + ".json");
            }

            conversations.Add(new BatchConversationSpec
            {
                Key = plan.Key,
                Number = plan.Number,
                Repetition = plan.Repetition,
                Seed = plan.Seed,
                Seats =
                [
                    Seat(experiment, plan.First, first, second, plan.SystemPrompt, anchor),
                    Seat(experiment, plan.Second, second, first, plan.SystemPrompt, anchor),
                ],
                Opener = plan.Opener,
                Stop = stop,
                MarkdownPath = markdown,
                JsonPath = json,
            });
        }

        return new BatchRunSpec
        {
            Name = experiment.Name,
            Source = experiment.Source,
            Concurrency = experiment.Concurrency,
            CostCeiling = experiment.CostCeiling,
            OutputDirectory = outputDirectory,
            Conversations = conversations,
        };
    }

    private static BatchSeat Seat(Experiment experiment, ExperimentModel model, string self, string other, string? template, Func<string, string>? anchor) => new(
        self,
        anchor?.Invoke(model.Reference) ?? model.Reference,
        SystemPrompts.Fill(model.SystemPrompt ?? template ?? SystemPrompts.Default, self, other, experiment.Stop.EndToken),
        model.Temperature ?? experiment.Temperature,
        model.MaxTokens ?? experiment.MaxTokens);
}
