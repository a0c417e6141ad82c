using Crosstalk.Engine.Models;
using Microsoft.Extensions.AI;

namespace Crosstalk.Testing;

/// <summary>
/// A model resolver for tests: references the test knows answer with its own clients; everything else (offline agents,
/// replays) goes to the real resolver with no token delay.
/// </summary>
public sealed class TestModels : IModelResolver, IDisposable
{
    private readonly Func<string, int, IChatClient?> _clients;
    private readonly ModelResolver _fallback;

    /// <param name="clients">The client for a reference and seed, or null to let the real resolver answer.</param>
    /// <param name="displayName">The name a client of the test's is shown under; the reference by default.</param>
    public TestModels(Func<string, int, IChatClient?>? clients = null, Func<string, string>? displayName = null)
    {
        _clients = clients ?? ((_, _) => null);
        DisplayName = displayName ?? (reference => reference);
        _fallback = new ModelResolver(new ModelResolverOptions { WorkingDirectory = Path.GetTempPath() });
    }

    public Func<string, string> DisplayName { get; }

    /// <summary>How many times each reference was resolved (for a conversation to run).</summary>
    public int Resolutions => Volatile.Read(ref _resolutions);

    private int _resolutions;

    public ResolvedModel Resolve(string reference, int seed)
    {
        Interlocked.Increment(ref _resolutions);
        return _clients(reference, seed) is { } client
            ? new ResolvedModel(reference, DisplayName(reference), client)
            : _fallback.Resolve(reference, seed);
    }

    public string Anchor(string reference) => _fallback.Anchor(reference);

    public void Dispose() => _fallback.Dispose();
}
