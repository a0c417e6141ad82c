namespace Crosstalk.Transcripts.Formats.Foreign;

/// <summary>
/// Builds a transcript from a format that names speakers rather than seats: each speaker gets a seat when first heard
/// (or the seat it is given), keeps its model and system prompt, and every message is kept as written.
/// </summary>
internal sealed class SpeakerTranscript
{
    private readonly List<(string Name, string? Model, string? SystemPrompt)> _seats = [];
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);

    public SpeakerTranscript(string format)
    {
        Transcript.Metadata[TranscriptMetadataKeys.SourceFormat] = format;
    }

    /// <summary>The transcript being built; its messages, times and metadata may be set directly.</summary>
    public Transcript Transcript { get; } = new();

    /// <summary>The seats so far.</summary>
    public int Seats => _seats.Count;

    /// <summary>The seat of the speaker known by <paramref name="key"/>, made with this name and model when it is new.</summary>
    public int Seat(string key, string name, string? model = null)
    {
        if (_byKey.TryGetValue(key, out var seat))
        {
            return seat;
        }

        _seats.Add((name, model, null));
        _byKey[key] = _seats.Count;
        return _seats.Count;
    }

    /// <summary>Whether a speaker is known by <paramref name="key"/>.</summary>
    public bool Has(string key) => _byKey.ContainsKey(key);

    /// <summary>Sets the system prompt of a seat (a second prompt for the same seat is appended after a blank line).</summary>
    public void SystemPrompt(int seat, string prompt)
    {
        var (name, model, existing) = _seats[seat - 1];
        _seats[seat - 1] = (name, model, existing is null ? prompt : existing + "\n\n" + prompt);
    }

    /// <summary>Adds a message spoken by <paramref name="seat"/>.</summary>
    public void Add(int seat, string content, DateTimeOffset? timestamp = null, string? reasoning = null)
    {
        Transcript.Messages.Add(new TranscriptMessage
        {
            Seat = seat,
            Speaker = _seats[seat - 1].Name,
            Content = content,
            Timestamp = timestamp,
            Reasoning = reasoning,
        });
    }

    /// <summary>The transcript, with its participants; the title is theirs unless one was set.</summary>
    public Transcript Build()
    {
        for (var i = 0; i < _seats.Count; i++)
        {
            Transcript.Participants.Add(new Participant(i + 1, _seats[i].Name, _seats[i].Model, _seats[i].SystemPrompt));
        }

        if (Transcript.Title.Length == 0)
        {
            Transcript.Title = Transcript.TitleFor(Transcript.Participants);
        }

        return Transcript;
    }
}
