using System.Globalization;

namespace Crosstalk.Transcripts;

/// <summary>
/// How long the labels of a conversation a store keeps may be: a seat's name, its model and the stop reason. The stores
/// index them (PostgreSQL refuses an index entry over 2,704 bytes, and one such name stopped a whole import or batch),
/// and no real name, model id or reason comes near: the bounds are checked where transcripts are read, so a file that
/// passes them is refused in one line naming it, and again where a conversation is stored.
/// </summary>
public static class StoreLimits
{
    /// <summary>The longest name of a seat, in UTF-16 characters (the bound <see cref="Formats.SeedMarkdown.NameProblem"/> holds names to as well).</summary>
    public const int Name = 200;

    /// <summary>The longest model id.</summary>
    public const int Model = 200;

    /// <summary>The longest stop reason (Crosstalk's own are a word or two; other tools' exit reasons too).</summary>
    public const int StopReason = 100;

    /// <summary>The first label of <paramref name="transcript"/> too long to be stored, said in a sentence; null when there is none.</summary>
    public static string? Problem(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        foreach (var participant in transcript.Participants)
        {
            if (participant.Name?.Length > Name)
            {
                return string.Create(CultureInfo.InvariantCulture, $"seat {participant.Seat}'s name is {participant.Name.Length:N0} characters long; a store keeps names of at most {Name}");
            }

            if (participant.Model?.Length > Model)
            {
                return string.Create(CultureInfo.InvariantCulture, $"seat {participant.Seat}'s model is {participant.Model.Length:N0} characters long; a store keeps model ids of at most {Model}");
            }
        }

        return transcript.Stop?.Reason.Length > StopReason
            ? string.Create(CultureInfo.InvariantCulture, $"the stop reason is {transcript.Stop.Reason.Length:N0} characters long; a store keeps reasons of at most {StopReason}")
            : null;
    }
}
