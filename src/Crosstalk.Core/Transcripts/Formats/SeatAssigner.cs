namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Formats that name speakers, not seats, need a rule to find the seat: a unique name is its seat; a name
/// several seats share (a model talking to itself) takes the seat after the previous speaker's seat when
/// that seat has the name, else the first seat with the name.
/// </summary>
internal sealed class SeatAssigner
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _uniqueSeats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _firstSeats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _firstLookup;
    private int _previousSeat;

    public SeatAssigner(IReadOnlyList<string> names)
    {
        _names = [.. names];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            _firstSeats.TryAdd(_names[i], i + 1);
            counts[_names[i]] = counts.GetValueOrDefault(_names[i]) + 1;
        }

        foreach (var (name, count) in counts)
        {
            if (count == 1)
            {
                _uniqueSeats[name] = _firstSeats[name];
            }
        }

        _firstLookup = _firstSeats.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<string> Names => _names;

    public int Count => _names.Length;

    public bool IsKnown(ReadOnlySpan<char> name) => _firstLookup.ContainsKey(name);

    /// <summary>The name of the seat that would speak next in strict turn order.</summary>
    public string NextInTurn => _names[TurnOrder.SeatAfter(_previousSeat, _names.Length) - 1];

    /// <summary>Returns the seat for the next message spoken under <paramref name="name"/>, or 0 when no seat has that name.</summary>
    public int Next(string name)
    {
        int seat;
        if (_uniqueSeats.TryGetValue(name, out var unique))
        {
            seat = unique;
        }
        else if (!_firstSeats.TryGetValue(name, out var first))
        {
            return 0;
        }
        else
        {
            var candidate = TurnOrder.SeatAfter(_previousSeat, _names.Length);
            seat = _names[candidate - 1] == name ? candidate : first;
        }

        _previousSeat = seat;
        return seat;
    }
}
