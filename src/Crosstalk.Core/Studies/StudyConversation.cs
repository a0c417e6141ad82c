using Crosstalk.Analysis;
using Crosstalk.Transcripts;

namespace Crosstalk.Studies;

/// <summary>One conversation of a study, with its analysis and its place in the experiment's matrix.</summary>
/// <param name="Id">Its id in the store, if it has one.</param>
/// <param name="Transcript">What was said.</param>
/// <param name="Analysis">Its analysis (end tokens, goodbye loop, refusals).</param>
/// <param name="Factors">
/// Its coordinates in the experiment, by factor: <see cref="StudyFactors.Opener"/>, <see cref="StudyFactors.SystemPrompt"/>,
/// <see cref="StudyFactors.Order"/>, <see cref="StudyFactors.Repetition"/>; a factor the experiment did not vary may be missing.
/// </param>
/// <param name="ScriptedOpener">Whether message 1 is the experiment's opener (words the study gave, not a model's).</param>
public sealed record StudyConversation(long? Id, Transcript Transcript, TranscriptAnalysis Analysis, IReadOnlyDictionary<string, string> Factors, bool ScriptedOpener = false)
{
    /// <summary>
    /// The model of <paramref name="seat"/>: its model reference (two models shown under one name stay apart), or its name
    /// when none was recorded.
    /// </summary>
    public string ModelOf(int seat)
    {
        var participant = Transcript.Participants.FirstOrDefault(p => p.Seat == seat);
        return participant is null ? $"seat {seat}" : participant.Model ?? participant.Name;
    }

    /// <summary>The turn of message <paramref name="message"/>: the opener and its reply are turn 1, messages 3 and 4 turn 2.</summary>
    public static int Turn(int message) => (message + 1) / 2;

    /// <summary>The seat that spoke first (the opener's seat).</summary>
    public int FirstSeat => Transcript.Messages.Count > 0 ? Transcript.Messages[0].Seat : 1;

    /// <summary>The seat that answered the opener.</summary>
    public int SecondSeat => Transcript.Participants.Select(p => p.Seat).FirstOrDefault(s => s != FirstSeat, FirstSeat == 1 ? 2 : 1);

    /// <summary>The models in it, each once (a model talking with itself counts once).</summary>
    public IReadOnlyList<string> Models => Transcript.Participants.Select(p => ModelOf(p.Seat)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Its models in seat order, joined: "a ↔ b", and "a ↔ a" for a model with itself.</summary>
    public string Pair => string.Join(" ↔ ", Transcript.Participants.Select(p => ModelOf(p.Seat)));
}

/// <summary>The factors of an experiment a study breaks its results down by.</summary>
public static class StudyFactors
{
    /// <summary>The opening message.</summary>
    public const string Opener = "opener";

    /// <summary>The system prompt (numbered as the experiment lists them).</summary>
    public const string SystemPrompt = "system prompt";

    /// <summary>Which model spoke first.</summary>
    public const string Order = "order";

    /// <summary>The repetition.</summary>
    public const string Repetition = "repetition";

    /// <summary>Every factor, in the order reports show them.</summary>
    public static IReadOnlyList<string> All { get; } = [Opener, SystemPrompt, Order, Repetition];
}
