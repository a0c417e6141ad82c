using System.Collections.Concurrent;
using System.Globalization;
using Crosstalk.Conversations;
using Crosstalk.Storage;
using Crosstalk.Stopping;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Web.Live;

/// <summary>The conversations started from the live page of this server, running or finished.</summary>
internal sealed class LiveSessions(ITranscriptStore store, Func<string, (IChatClient Client, string DisplayName)> resolver, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, LiveSession> _sessions = new();

    public LiveSession? Get(long conversationId) => _sessions.GetValueOrDefault(conversationId);

    public IReadOnlyList<LiveSession> All => [.. _sessions.Values.OrderByDescending(s => s.ConversationId)];

    /// <summary>Records the conversation in the store and starts it; returns its id.</summary>
    /// <exception cref="ArgumentException">A model, the stop policy or the fork is invalid; the message says which, for the page.</exception>
    public async Task<long> StartAsync(LiveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        IStopCondition stop;
        try
        {
            stop = StopConditions.Parse(string.IsNullOrWhiteSpace(request.StopPolicy) ? "end-token" : request.StopPolicy);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, nameof(request), ex);
        }

        Transcript? parent = null;
        if (request.ForkOf is { } parentId)
        {
            parent = await store.GetTranscriptAsync(parentId, cancellationToken).ConfigureAwait(false)
                ?? throw new ArgumentException($"There is no conversation {parentId.ToString(CultureInfo.InvariantCulture)} to fork.", nameof(request));
            if (request.ForkAt is not { } at || at < 1 || at > parent.Messages.Count)
            {
                throw new ArgumentException($"A fork keeps between 1 and {parent.Messages.Count.ToString(CultureInfo.InvariantCulture)} messages of conversation {parentId.ToString(CultureInfo.InvariantCulture)}.", nameof(request));
            }

            if ((stop as StopCondition)?.MessageLimit is { } cap && cap <= at)
            {
                throw new ArgumentException(
                    $"The fork keeps {at.ToString(CultureInfo.InvariantCulture)} messages, so its max-messages ({cap.ToString(CultureInfo.InvariantCulture)}) must be more, or nothing new would be said.",
                    nameof(request));
            }

            if (request.Seats.Count != parent.Participants.Count)
            {
                throw new ArgumentException($"The fork needs one model for each of the {parent.Participants.Count.ToString(CultureInfo.InvariantCulture)} seats.", nameof(request));
            }
        }

        if (request.Seats.Count < 2)
        {
            throw new ArgumentException("A conversation needs at least two seats.", nameof(request));
        }

        var clients = new List<IChatClient>();
        var seats = new List<SeatSpec>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Seats.Count; i++)
        {
            var seat = request.Seats[i];
            if (string.IsNullOrWhiteSpace(seat.Model))
            {
                throw new ArgumentException($"Seat {(i + 1).ToString(CultureInfo.InvariantCulture)} has no model.", nameof(request));
            }

            var (client, displayName) = resolver(seat.Model.Trim());
            clients.Add(client);
            var name = parent?.Participants[i].Name ?? (string.IsNullOrWhiteSpace(seat.Name) ? displayName : seat.Name.Trim());
            var unique = name;
            for (var n = 2; !used.Add(unique); n++)
            {
                unique = $"{name} {n.ToString(CultureInfo.InvariantCulture)}";
            }

            seats.Add(new SeatSpec
            {
                Name = unique,
                Model = seat.Model.Trim(),
                SystemPrompt = string.IsNullOrWhiteSpace(seat.SystemPrompt) ? null : seat.SystemPrompt,
            });
        }

        var spec = new ConversationSpec
        {
            Seats = seats,
            Opener = parent is null ? (string.IsNullOrWhiteSpace(request.Opener) ? ConversationSpec.DefaultOpener : request.Opener) : null,
            Stop = stop,
            ForkedAt = parent is null ? 0 : request.ForkAt!.Value,
        };
        var runner = new ConversationRunner(spec, clients, time);
        var header = new Transcript
        {
            Title = runner.Transcript.Title,
            Participants = [.. runner.Transcript.Participants],
            Started = parent?.Started ?? time.GetLocalNow(),
        };
        header.Metadata[TranscriptMetadataKeys.Source] = "web";
        Transcript? resumeFrom = null;
        if (parent is not null)
        {
            header.Metadata[StoreMetadataKeys.ParentId] = request.ForkOf!.Value.ToString(CultureInfo.InvariantCulture);
            header.Metadata[StoreMetadataKeys.ForkedAt] = request.ForkAt!.Value.ToString(CultureInfo.InvariantCulture);
            foreach (var message in parent.Messages.Take(request.ForkAt!.Value))
            {
                header.Messages.Add(message);
            }

            header.Started = time.GetLocalNow();
            resumeFrom = header;
        }

        var id = await store.CreateConversationAsync(null, header, null, cancellationToken).ConfigureAwait(false);
        var session = new LiveSession(id, header, store, time);
        _sessions[id] = session;
        session.Start(runner, resumeFrom);
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            session.RequestStop();
        }

        foreach (var session in _sessions.Values)
        {
            try
            {
                await session.Completion.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The store may be gone already; the conversation stays unfinished and can be resumed.
            }
        }
    }
}
