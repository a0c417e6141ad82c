namespace Crosstalk.Testing.FakeProviders;

/// <summary>
/// Which requests fail and how: an explicit sequence (request 1 gets the first fault, …) and/or a seeded probability,
/// so a "30% faults" run is the same every time.
/// </summary>
public sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private readonly Queue<FaultKind> _sequence;
    private readonly Random? _random;
    private readonly double _probability;
    private readonly FaultKind[] _kinds;

    private FaultPlan(IEnumerable<FaultKind> sequence, double probability, int seed, FaultKind[] kinds)
    {
        _sequence = new Queue<FaultKind>(sequence);
        _probability = probability;
        _random = probability > 0 ? new Random(seed) : null;
        _kinds = kinds.Length > 0 ? kinds : AllKinds;
    }

    /// <summary>Every fault kind except <see cref="FaultKind.None"/>.</summary>
    public static FaultKind[] AllKinds { get; } = Enum.GetValues<FaultKind>().Where(k => k != FaultKind.None).ToArray();

    /// <summary>No faults.</summary>
    public static FaultPlan None => new([], 0, 0, []);

    /// <summary>The given faults for the first requests, in order, then none.</summary>
    public static FaultPlan Sequence(params FaultKind[] faults) => new(faults, 0, 0, []);

    /// <summary>Each request fails with <paramref name="probability"/>, with a kind drawn from <paramref name="kinds"/> (all when empty).</summary>
    public static FaultPlan Random(double probability, int seed, params FaultKind[] kinds) => new([], probability, seed, kinds);

    /// <summary>The delay a 429 asks for. Default 50 ms (sent as <c>retry-after-ms</c>; <c>retry-after</c> is rounded up to seconds).</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long <see cref="FaultKind.SlowFirstByte"/> waits. Default 3 s.</summary>
    public TimeSpan SlowFirstByte { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long <see cref="FaultKind.StallMidStream"/> stays silent. Default 3 s.</summary>
    public TimeSpan Stall { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How many faults were injected so far.</summary>
    public int Injected { get; private set; }

    internal FaultKind Next()
    {
        lock (_gate)
        {
            var fault = FaultKind.None;
            if (_sequence.Count > 0)
            {
                fault = _sequence.Dequeue();
            }
            else if (_random is not null && _random.NextDouble() < _probability)
            {
                fault = _kinds[_random.Next(_kinds.Length)];
            }

            if (fault != FaultKind.None)
            {
                Injected++;
            }

            return fault;
        }
    }
}
