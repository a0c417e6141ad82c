using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// Builds the offline agents from model references: <c>offline:eliza</c>, <c>offline:markov</c> and
/// <c>replay:&lt;transcript&gt;#&lt;seat&gt;</c>. They need no key or network and say plainly that they are stand-ins.
/// </summary>
public static class OfflineAgents
{
    /// <summary>How a replay reference begins: <c>replay:</c> and the path of a transcript file.</summary>
    public const string ReplayPrefix = "replay:";

    /// <summary>Whether <paramref name="modelReference"/> replays a transcript file (which means reading that file).</summary>
    public static bool IsReplay(string modelReference)
    {
        ArgumentNullException.ThrowIfNull(modelReference);
        return modelReference.TrimStart().StartsWith(ReplayPrefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The offline agents that converse (no judge, no replay): what a page may offer anyone.</summary>
    public static IReadOnlyList<string> Talkers { get; } = ["offline:eliza", "offline:markov"];

    /// <summary>The references this factory understands, for help texts and error messages.</summary>
    public static IReadOnlyList<string> Known { get; } = ["offline:eliza", "offline:markov", "offline:judge", "replay:<transcript>#<seat>"];

    /// <summary>
    /// Creates the offline agent <paramref name="modelReference"/> names. Returns false (and nulls) when the
    /// reference is not an offline one (no <c>offline:</c> or <c>replay:</c> prefix), so a catalog can try providers next.
    /// </summary>
    /// <param name="modelReference">e.g. <c>offline:eliza</c>, or <c>replay:runs/a.md#2</c> (the last '#' separates the 1-based seat).</param>
    /// <param name="options">Seed, corpus, transcript reader and streaming delay.</param>
    /// <param name="client">The agent, or null when the reference is not an offline one.</param>
    /// <param name="displayName">"ELIZA", "Markov", or the recorded participant's name for a replay.</param>
    /// <exception cref="ArgumentException">The reference is an offline one but names no known agent, or a replay without a valid seat.</exception>
    /// <exception cref="InvalidOperationException">A replay was asked for but no <see cref="OfflineAgentOptions.LoadTranscript"/> is set.</exception>
    public static bool TryCreate(
        string modelReference,
        OfflineAgentOptions options,
        [NotNullWhen(true)] out IChatClient? client,
        [NotNullWhen(true)] out string? displayName)
    {
        ArgumentNullException.ThrowIfNull(modelReference);
        ArgumentNullException.ThrowIfNull(options);
        client = null;
        displayName = null;

        const string OfflinePrefix = "offline:";
        if (modelReference.StartsWith(OfflinePrefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = modelReference[OfflinePrefix.Length..].Trim();
            if (name.Equals("eliza", StringComparison.OrdinalIgnoreCase))
            {
                client = new ElizaChatClient(options.Seed) { TokenDelay = options.TokenDelay, TimeProvider = options.TimeProvider };
                displayName = "ELIZA";
                return true;
            }

            if (name.Equals("markov", StringComparison.OrdinalIgnoreCase))
            {
                var markov = new MarkovOptions
                {
                    Seed = options.Seed,
                    CorpusDirectory = options.CorpusDirectory,
                    ReadMessages = options.LoadTranscript is { } load ? path => load(path).Messages.Select(m => m.Content) : null,
                };
                client = new MarkovChatClient(markov) { TokenDelay = options.TokenDelay, TimeProvider = options.TimeProvider };
                displayName = "Markov";
                return true;
            }

            if (name.Equals("judge", StringComparison.OrdinalIgnoreCase))
            {
                client = new OfflineJudgeChatClient { TokenDelay = options.TokenDelay, TimeProvider = options.TimeProvider };
                displayName = "Offline judge";
                return true;
            }

            throw new ArgumentException(
                $"Unknown offline agent '{modelReference}'; the known ones are {string.Join(", ", Known)}.", nameof(modelReference));
        }

        if (modelReference.StartsWith(ReplayPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var (path, seat) = ParseReplay(modelReference, modelReference[ReplayPrefix.Length..]);
            var load = options.LoadTranscript ?? throw new InvalidOperationException(
                $"Cannot replay '{modelReference}': no transcript reader is configured (OfflineAgentOptions.LoadTranscript).");
            var transcript = load(path);
            if (!transcript.Participants.Any(p => p.Seat == seat) && !transcript.Messages.Any(m => m.Seat == seat))
            {
                var seats = transcript.Participants.Select(p => p.Seat).Concat(transcript.Messages.Select(m => m.Seat)).Distinct().Order();
                throw new ArgumentException(
                    $"The transcript '{path}' has no seat {seat}; its seats are {string.Join(", ", seats)}.", nameof(modelReference));
            }

            var replay = new ReplayChatClient(transcript, seat, modelReference) { TokenDelay = options.TokenDelay, TimeProvider = options.TimeProvider };
            client = replay;
            displayName = replay.ParticipantName;
            return true;
        }

        return false;
    }

    private static (string Path, int Seat) ParseReplay(string reference, string specification)
    {
        var hash = specification.LastIndexOf('#');
        if (hash < 0)
        {
            throw new ArgumentException(
                $"The replay '{reference}' names no seat; write replay:<transcript>#<seat>, e.g. replay:conversation.md#2.", nameof(reference));
        }

        var path = specification[..hash];
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"The replay '{reference}' names no transcript; write replay:<transcript>#<seat>.", nameof(reference));
        }

        var seatText = specification[(hash + 1)..];
        if (!int.TryParse(seatText, NumberStyles.None, CultureInfo.InvariantCulture, out var seat) || seat < 1)
        {
            throw new ArgumentException(
                $"The replay '{reference}' has seat '{seatText}', which is not a seat number (1, 2, …).", nameof(reference));
        }

        return (path, seat);
    }
}
