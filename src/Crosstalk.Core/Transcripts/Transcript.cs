namespace Crosstalk.Transcripts;

/// <summary>
/// One conversation between two or more participants, as recorded: who sat where, when it ran,
/// every message in order, and why it stopped.
/// </summary>
/// <remarks>
/// Seats, not names, identify who spoke: a model may talk to itself under the same display name on
/// both seats. Messages are 1-based everywhere a user sees an index (stop information, analysis, CLI).
/// </remarks>
public sealed class Transcript
{
    /// <summary>The heading of the transcript; by default the participants' names joined by " ↔ ".</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>The seats, numbered 1..n in <see cref="Participant.Seat"/> order.</summary>
    public IList<Participant> Participants { get; init; } = [];

    /// <summary>When the conversation started (the first message was sent), if known.</summary>
    public DateTimeOffset? Started { get; set; }

    /// <summary>When the conversation ended; <see langword="null"/> while it runs or if it never finished.</summary>
    public DateTimeOffset? Ended { get; set; }

    /// <summary>The messages in the order they were spoken, the opener (if any) first.</summary>
    public IList<TranscriptMessage> Messages { get; init; } = [];

    /// <summary>Why the conversation stopped; <see langword="null"/> while it runs or when unknown.</summary>
    public StopInfo? Stop { get; set; }

    /// <summary>Free-form facts about the conversation (experiment, run, seed, parent, …).</summary>
    public IDictionary<string, string> Metadata { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// What the reader of a file had to decide that the file did not say for certain, each one line naming the file and
    /// line (shown as warnings, never stored or written).
    /// </summary>
    public IList<string> ReadWarnings { get; } = [];

    /// <summary>The default title for a set of participants: their names joined by " ↔ ".</summary>
    public static string TitleFor(IEnumerable<Participant> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        return string.Join(" ↔ ", participants.Select(p => p.Name));
    }

    /// <summary>Returns the participant on <paramref name="seat"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No participant sits there.</exception>
    public Participant GetParticipant(int seat)
    {
        foreach (var participant in Participants)
        {
            if (participant.Seat == seat)
            {
                return participant;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(seat), seat, "No participant sits on this seat.");
    }
}
