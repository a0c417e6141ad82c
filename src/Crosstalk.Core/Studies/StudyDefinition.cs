using Crosstalk.Experiments;

namespace Crosstalk.Studies;

/// <summary>What a study measures.</summary>
public enum StudyMeasure
{
    /// <summary>Who ends first, when, and what follows (the seeds' design).</summary>
    Attractors,

    /// <summary>Words and emoji per transcript, and when the models end (Claude Opus 4 system card §5.5.2).</summary>
    Words,

    /// <summary>Labels a judge panel gives each conversation (topic, ending), per model.</summary>
    Judge,
}

/// <summary>A study: an experiment, what to measure in it, and (for a judged study) the rubric and judges.</summary>
/// <param name="Name">The study's name (<c>study:</c>); presets are <c>attractors</c>, <c>self-interaction</c>, <c>topics-and-endings</c>.</param>
/// <param name="Title">What it measures, in a line.</param>
/// <param name="Description">How it is designed, and what it reproduces; where a published detail is not public, what was chosen.</param>
/// <param name="Experiment">The conversations to run.</param>
/// <param name="Measure">What the tables measure.</param>
/// <param name="Words">For <see cref="StudyMeasure.Words"/>: the words and emoji counted.</param>
/// <param name="Rubric">For <see cref="StudyMeasure.Judge"/>: the rubric, a built-in id or a rubric file.</param>
/// <param name="Judges">For <see cref="StudyMeasure.Judge"/>: the judge panel's models.</param>
/// <param name="Source">Where it was read from: <c>preset:NAME</c> or a file path.</param>
/// <param name="Tables">The table layout: which tables the report shows, in this order, by id; empty for all of them.</param>
public sealed record StudyDefinition(
    string Name,
    string Title,
    string Description,
    Experiment Experiment,
    StudyMeasure Measure,
    IReadOnlyList<string> Words,
    string? Rubric,
    IReadOnlyList<string> Judges,
    string Source,
    IReadOnlyList<string>? Tables = null);
