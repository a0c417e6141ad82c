using Crosstalk.Models.Offline;
using Crosstalk.Transcripts.Formats;
using Microsoft.Extensions.AI;

namespace Crosstalk.Cli.Commands;

/// <summary>A model reference resolved to the client that answers for a seat.</summary>
/// <param name="Model">The reference as the user typed it.</param>
/// <param name="DisplayName">The name transcripts show.</param>
/// <param name="Client">The client that answers.</param>
/// <param name="RecordedOpener">For a replay whose recording starts with this seat: the recorded opener, so the replay reproduces the original.</param>
internal sealed record ResolvedModel(string Model, string DisplayName, IChatClient Client, string? RecordedOpener = null);

/// <summary>Turns what the user typed for a seat (<c>offline:eliza</c>, <c>replay:FILE#2</c>, a catalog name…) into a client.</summary>
internal sealed class ModelResolver
{
    private readonly CliContext _context;
    private readonly OfflineAgentOptions _offline;

    public ModelResolver(CliContext context, int seed, TimeSpan tokenDelay)
    {
        _context = context;
        _offline = new OfflineAgentOptions
        {
            Seed = seed,
            TokenDelay = tokenDelay,
            TimeProvider = context.TimeProvider,
            LoadTranscript = path => TranscriptFile.Read(context.ResolvePath(path)),
        };
    }

    public ResolvedModel Resolve(string reference, string optionName)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new UserException($"{optionName} needs a model, e.g. offline:eliza.");
        }

        try
        {
            if (OfflineAgents.TryCreate(reference, _offline, out var client, out var displayName))
            {
                return new ResolvedModel(reference, displayName!, client!, (client as ReplayChatClient)?.Opener);
            }
        }
        catch (ArgumentException ex)
        {
            throw new UserException($"{optionName} {reference}: {ex.Message}", ex);
        }

        throw new UserException($"{optionName} {reference}: unknown model. Offline agents: offline:eliza, offline:markov, replay:FILE#SEAT.");
    }
}
