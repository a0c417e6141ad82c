using Crosstalk.Analysis.Judge;

namespace Crosstalk.Studies;

/// <summary>Builds a study's report from its conversations: the tables its measure calls for, then every factor's breakdown.</summary>
public static class StudyReports
{
    /// <summary>The report of <paramref name="study"/> over <paramref name="conversations"/>.</summary>
    /// <param name="study">The study.</param>
    /// <param name="conversations">Its conversations.</param>
    /// <param name="run">The run they belong to, if any.</param>
    /// <param name="rubric">For a judged study: the rubric the panel answered.</param>
    /// <param name="panel">For a judged study: the panel's answers.</param>
    /// <param name="handLabels">A person's labels by conversation id, if given.</param>
    public static StudyReport Build(
        StudyDefinition study, IReadOnlyList<StudyConversation> conversations, string? run = null, JudgeRubric? rubric = null, PanelAnswers? panel = null,
        IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>>? handLabels = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(conversations);
        var tables = new List<StudyTable>();
        var warnings = new List<string>();
        var unfinished = conversations.Count(c => c.Transcript.Stop is null && c.Transcript.Ended is null);
        if (unfinished > 0)
        {
            warnings.Add($"{unfinished} of {conversations.Count} conversations have not finished; the tables count them as they are ('crosstalk resume' finishes them).");
        }

        switch (study.Measure)
        {
            case StudyMeasure.Attractors:
                tables.AddRange(AttractorMeasures.Tables(conversations));
                break;
            case StudyMeasure.Words:
                tables.AddRange(WordMeasures.Tables(conversations, study.Words));
                tables.AddRange(Breakdowns(conversations));
                break;
            case StudyMeasure.Judge:
                if (rubric is null || panel is null)
                {
                    throw new ArgumentException("A judged study's report needs the rubric and the panel's answers.", nameof(panel));
                }

                var (judged, judgeWarnings) = JudgeMeasures.Tables(conversations, rubric, panel, handLabels);
                warnings.AddRange(judgeWarnings);
                tables.AddRange(judged);
                tables.AddRange(Breakdowns(conversations));
                break;
        }

        // The study's table layout: the tables it names, in its order.
        if (study.Tables is { Count: > 0 } layout)
        {
            foreach (var missing in layout.Where(id => tables.All(t => t.Id != id)))
            {
                warnings.Add($"'tables' names '{missing}', which this study does not have; its tables are {string.Join(", ", tables.Select(t => t.Id))}.");
            }

            tables = [.. layout.Select(id => tables.FirstOrDefault(t => t.Id == id)).Where(t => t is not null).Select(t => t!)];
        }

        return new StudyReport(study.Name, study.Title, run, conversations.Count, warnings, tables);
    }

    private static IEnumerable<StudyTable> Breakdowns(IReadOnlyList<StudyConversation> conversations) => FactorBreakdowns.Tables(conversations);
}
