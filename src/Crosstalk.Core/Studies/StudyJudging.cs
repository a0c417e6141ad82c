using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis.Judge;
using Microsoft.Extensions.AI;

namespace Crosstalk.Studies;

/// <summary>A judge of a panel: its model reference and its client.</summary>
public sealed record PanelJudge(string Model, IChatClient Client);

/// <summary>How a judge did on a rubric's controls.</summary>
/// <param name="Judge">The judge model.</param>
/// <param name="Right">Controls it labelled as known (every field).</param>
/// <param name="Total">Controls it was given.</param>
/// <param name="Misses">What it got wrong: "spiritual bliss: ending 'clean end', known 'spiritual bliss'".</param>
public sealed record ControlOutcome(string Judge, int Right, int Total, IReadOnlyList<string> Misses)
{
    /// <summary>The share of controls a judge must label right: 4 of 5.</summary>
    public const double PassMark = 0.8;

    /// <summary>Whether the judge got too few controls right to be trusted.</summary>
    public bool Failed => Total > 0 && Right < PassMark * Total;
}

/// <summary>A panel's answers for a study: per conversation, per judge (null where a judge failed to answer).</summary>
public sealed record PanelAnswers(IReadOnlyList<string> Judges, IReadOnlyList<IReadOnlyList<JsonElement?>> Answers, IReadOnlyList<ControlOutcome> Controls)
{
    /// <summary>
    /// For each judge that gave no usable answer for some conversations, one line: how many, and the first reason (a
    /// failed call, a reply that did not answer the rubric). Those conversations are left out of that judge's numbers.
    /// </summary>
    public IReadOnlyList<string> Unusable { get; init; } = [];
}

/// <summary>
/// Runs a judge panel over a study: first the rubric's controls (each judge must label them as known, or the study says
/// it is not to be trusted), then every conversation, each judge's answers cached as <see cref="JudgeScorer"/> caches them.
/// </summary>
public static class StudyJudging
{
    /// <summary>Each judge's result on <paramref name="controls"/>.</summary>
    public static async Task<IReadOnlyList<ControlOutcome>> RunControlsAsync(
        JudgeRubric rubric, IReadOnlyList<JudgeControl> controls, IReadOnlyList<PanelJudge> judges, IJudgeCache cache, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentNullException.ThrowIfNull(judges);
        var outcomes = new List<ControlOutcome>();
        foreach (var judge in judges)
        {
            var scorer = new JudgeScorer(judge.Client, judge.Model, cache);
            var right = 0;
            var misses = new List<string>();
            foreach (var control in controls)
            {
                // A message rubric answers per message: the control's last message is the one it is about.
                var answer = (await scorer.ScoreAsync(control.Transcript, rubric, cancellationToken).ConfigureAwait(false)).LastOrDefault();
                var wrong = control.Expected
                    .Where(e => !e.Value.Split('|').Contains(Known(answer?.Answer, e.Key), StringComparer.Ordinal))
                    .Select(e => $"{e.Key} '{Known(answer?.Answer, e.Key)}', known '{e.Value}'")
                    .ToList();
                if (wrong.Count == 0)
                {
                    right++;
                }
                else
                {
                    misses.Add($"{control.Name}: {string.Join(", ", wrong)}{(answer?.Error is { } why ? $" ({why})" : "")}");
                }
            }

            outcomes.Add(new ControlOutcome(judge.Model, right, controls.Count, misses));
        }

        return outcomes;
    }

    /// <summary>The panel's answers for every conversation, after the controls.</summary>
    /// <param name="conversations">The study's conversations.</param>
    /// <param name="rubric">A conversation-scope rubric.</param>
    /// <param name="controls">Its controls (may be none).</param>
    /// <param name="judges">The panel.</param>
    /// <param name="cache">Where answers are kept.</param>
    /// <param name="progress">Told (done, total) after each conversation.</param>
    /// <param name="controlOutcomes">The judges' results on the controls when they were run already (before the study); else they are run here.</param>
    /// <param name="cancellationToken">Stops judging; what was answered is cached.</param>
    public static async Task<PanelAnswers> JudgeAsync(
        IReadOnlyList<StudyConversation> conversations, JudgeRubric rubric, IReadOnlyList<JudgeControl> controls, IReadOnlyList<PanelJudge> judges,
        IJudgeCache cache, Action<int, int>? progress = null, IReadOnlyList<ControlOutcome>? controlOutcomes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(rubric);
        if (rubric.Scope != JudgeScope.Transcript)
        {
            throw new ArgumentException($"A study labels whole conversations; rubric '{rubric.Id}' judges single messages.", nameof(rubric));
        }

        var outcomes = controlOutcomes ?? await RunControlsAsync(rubric, controls, judges, cache, cancellationToken).ConfigureAwait(false);
        var scorers = judges.Select(j => new JudgeScorer(j.Client, j.Model, cache)).ToList();
        var answers = new List<IReadOnlyList<JsonElement?>>(conversations.Count);
        var unusable = new int[scorers.Count];
        var firstReason = new string?[scorers.Count];
        foreach (var conversation in conversations)
        {
            var row = new List<JsonElement?>(scorers.Count);
            for (var j = 0; j < scorers.Count; j++)
            {
                var result = (await scorers[j].ScoreAsync(conversation.Transcript, rubric, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
                row.Add(result?.Answer);
                if (result?.Answer is null)
                {
                    unusable[j]++;
                    firstReason[j] ??= result?.Error ?? "no answer";
                }
            }

            answers.Add(row);
            progress?.Invoke(answers.Count, conversations.Count);
        }

        return new PanelAnswers([.. judges.Select(j => j.Model)], answers, outcomes)
        {
            Unusable = [.. Enumerable.Range(0, scorers.Count).Where(j => unusable[j] > 0).Select(j =>
                string.Create(CultureInfo.InvariantCulture, $"judge {judges[j].Model} gave no usable answer for {unusable[j]} of {conversations.Count} conversation(s), left out of its numbers (the first: {firstReason[j]})"))],
        };
    }

    // A field as a control's known value is written: a label, a number, or "null" when the judge answered none.
    private static string Known(JsonElement? answer, string field) =>
        answer is null ? "(no answer)" : Field(answer, field) ?? "null";

    /// <summary>A field of an answer as text (a label, or a number as written); null when absent.</summary>
    public static string? Field(JsonElement? answer, string field) =>
        answer is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty(field, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;
}
