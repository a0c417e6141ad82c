using System.Globalization;
using Crosstalk.Analysis;
using Crosstalk.Analysis.Judge;
using Crosstalk.Engine.Exports;
using Crosstalk.Engine.Plans;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Datasets;

/// <summary>Turns an exported conversation into a <see cref="DatasetRow"/> and a row back into the same transcript.</summary>
public static class DatasetRows
{
    /// <summary>The row of a conversation whose metadata carries its <see cref="Provenance"/>.</summary>
    public static DatasetRow From(Transcript transcript, ConversationPlan? plan, TranscriptAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(analysis);
        var metadata = transcript.Metadata;
        var row = new DatasetRow
        {
            ConversationId = metadata.TryGetValue(Provenance.Conversation, out var id) && long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0,
            RunId = metadata.TryGetValue(Provenance.Run, out var run) ? run : null,
            Source = metadata.TryGetValue(Provenance.Source, out var source) ? source : null,
            Title = transcript.Title,
            Experiment = metadata.TryGetValue(PlanMetadataKeys.Experiment, out var experiment) ? experiment : null,
            Started = Time(transcript.Started),
            Ended = Time(transcript.Ended),
            StopReason = transcript.Stop?.Reason,
            StopSeat = transcript.Stop?.Seat,
            StopMessage = transcript.Stop?.Message,
            StopDetail = transcript.Stop?.Detail,
            StopAttempts = Attempts(transcript.Stop?.Attempts ?? []),
            MessageCount = transcript.Messages.Count,
            GoodbyeLoop = analysis.GoodbyeLoop is not null,
            GoodbyeLoopStart = analysis.GoodbyeLoop?.Start,
            GoodbyeLoopEnd = analysis.GoodbyeLoop?.End,
            FirstEndMessage = analysis.EndToken.First,
            FirstEndSeat = analysis.EndToken.FirstSeat,
            MutualEndMessage = analysis.EndToken.Mutual,
            Refusals = analysis.Refusals.Count,
            NearDuplicatePairs = analysis.NearDuplicates.Count,
        };

        foreach (var participant in transcript.Participants)
        {
            var seat = plan?.Seats.ElementAtOrDefault(participant.Seat - 1);
            row.Seats.Add(new DatasetSeat
            {
                Seat = participant.Seat,
                Name = participant.Name,
                Model = participant.Model,
                SystemPrompt = participant.SystemPrompt,
                Temperature = seat?.Temperature,
                MaxTokens = seat?.MaxTokens,
                BlankMessage = seat?.BlankMessage,
            });
        }

        row.ModelA = row.Seats.ElementAtOrDefault(0)?.Model;
        row.NameA = row.Seats.ElementAtOrDefault(0)?.Name;
        row.ModelB = row.Seats.ElementAtOrDefault(1)?.Model;
        row.NameB = row.Seats.ElementAtOrDefault(1)?.Name;
        if (plan is not null)
        {
            row.Opener = plan.Opener;
            row.FirstSeat = plan.FirstSeat;
            row.Seed = plan.Seed;
            row.StopPolicy = plan.StopPolicy;
            row.EndToken = plan.EndToken;
            row.ForkedAt = plan.ForkedAt == 0 ? null : plan.ForkedAt;
        }

        decimal? cost = null;
        foreach (var m in transcript.Messages)
        {
            row.InputTokens += m.Usage?.InputTokens ?? 0;
            row.OutputTokens += m.Usage?.OutputTokens ?? 0;
            if (m.Cost is { } c)
            {
                cost = (cost ?? 0) + c;
            }

            row.Messages.Add(new DatasetMessage
            {
                Seat = m.Seat,
                Speaker = m.Speaker,
                Content = m.Content,
                Timestamp = Time(m.Timestamp),
                InputTokens = m.Usage?.InputTokens,
                OutputTokens = m.Usage?.OutputTokens,
                ReasoningTokens = m.Usage?.ReasoningTokens,
                TokensEstimated = m.Usage?.Estimated,
                Cost = m.Cost,
                LatencyMs = m.Latency?.TotalMilliseconds,
                TimeToFirstTokenMs = m.TimeToFirstToken?.TotalMilliseconds,
                FinishReason = m.FinishReason,
                Reasoning = m.Reasoning,
                SentAs = m.SentAs,
                Attempts = Attempts(m.Attempts),
            });
        }

        row.Cost = cost;
        foreach (var (key, value) in metadata)
        {
            // Where the conversation came from has columns of its own (a plan only when it could be read: else its text is
            // kept as it came); any other key is kept, "origin.note" too.
            if (key is Provenance.Run or Provenance.Conversation or Provenance.Source || (key == Provenance.Plan && plan is not null))
            {
                continue;
            }

            if (JudgeScorer.TryParseMetadataKey(key, out var rubric, out var model))
            {
                row.Judges.Add(new DatasetJudge { Rubric = rubric, Model = model, Results = value });
                continue;
            }

            row.Metadata.Add(new DatasetEntry { Key = key, Value = value });
        }

        return row;
    }

    /// <summary>The transcript a row holds, its provenance in its metadata (the plan rebuilt from the plan's columns).</summary>
    /// <exception cref="FormatException">A time or a seat of the row cannot be read; the message names the column.</exception>
    public static Transcript ToTranscript(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var transcript = new Transcript
        {
            Title = row.Title,
            Started = ParseTime(row.Started, "started"),
            Ended = ParseTime(row.Ended, "ended"),
        };
        foreach (var seat in row.Seats)
        {
            transcript.Participants.Add(new Participant(seat.Seat, seat.Name, seat.Model, seat.SystemPrompt));
        }

        var seats = transcript.Participants.Select(p => p.Seat).ToHashSet();
        for (var i = 0; i < row.Messages.Count; i++)
        {
            var m = row.Messages[i];
            if (!seats.Contains(m.Seat))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"message {i + 1} is on seat {m.Seat}, which is not in 'seats'"));
            }

            transcript.Messages.Add(new TranscriptMessage
            {
                Seat = m.Seat,
                Speaker = m.Speaker,
                Content = m.Content,
                Timestamp = ParseTime(m.Timestamp, "messages.timestamp"),
                Usage = m.InputTokens is { } input && m.OutputTokens is { } output
                    ? new TokenUsage(input, output, m.ReasoningTokens, m.TokensEstimated ?? false)
                    : null,
                Cost = m.Cost,
                Latency = Span(m.LatencyMs),
                TimeToFirstToken = Span(m.TimeToFirstTokenMs),
                FinishReason = m.FinishReason,
                Reasoning = m.Reasoning,
                SentAs = m.SentAs,
                Attempts = FromAttempts(m.Attempts),
            });
        }

        if (row.StopReason is { } reason)
        {
            transcript.Stop = new StopInfo(reason, row.StopSeat, row.StopMessage, row.StopDetail) { Attempts = FromAttempts(row.StopAttempts) };
        }

        foreach (var entry in row.Metadata)
        {
            transcript.Metadata[entry.Key] = entry.Value;
        }

        foreach (var judge in row.Judges)
        {
            transcript.Metadata[JudgeScorer.MetadataKey(judge.Rubric, judge.Model)] = judge.Results;
        }

        transcript.Metadata[Provenance.Conversation] = row.ConversationId.ToString(CultureInfo.InvariantCulture);
        if (row.RunId is { } run)
        {
            transcript.Metadata[Provenance.Run] = run;
        }

        if (row.Source is { } source)
        {
            transcript.Metadata[Provenance.Source] = source;
        }

        if (row.StopPolicy is { } policy && row.Seats.Count >= 2)
        {
            var plan = new ConversationPlan
            {
                Seats = [.. row.Seats.Select(s => new SeatPlan(s.Name, s.Model ?? "", s.SystemPrompt, s.Temperature, s.MaxTokens, s.BlankMessage))],
                Opener = row.Opener,
                FirstSeat = row.FirstSeat ?? 1,
                Seed = row.Seed ?? 1,
                StopPolicy = policy,
                EndToken = row.EndToken ?? "[END]",
                ForkedAt = row.ForkedAt ?? 0,
            };
            transcript.Metadata[Provenance.Plan] = PlanJson.Write(plan);
        }

        return transcript;
    }

    private static string? Time(DateTimeOffset? value) => value?.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? value, string column) =>
        value is null ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed
        : throw new FormatException($"'{column}' is not an ISO 8601 time: {ErrorText.Excerpt(value)}");

    private static TimeSpan? Span(double? milliseconds) => Durations.FromMilliseconds(milliseconds);

    private static List<DatasetAttempt> Attempts(IEnumerable<Attempt> attempts) =>
        [.. attempts.Select(a => new DatasetAttempt
        {
            Number = a.Number,
            Error = a.Error,
            StatusCode = a.StatusCode,
            DurationMs = a.Duration?.TotalMilliseconds,
            RetryAfterMs = a.RetryAfter?.TotalMilliseconds,
        })];

    private static List<Attempt> FromAttempts(List<DatasetAttempt>? attempts) =>
        [.. (attempts ?? []).Select(a => new Attempt(a.Number, a.Error, a.StatusCode, Span(a.DurationMs), Span(a.RetryAfterMs)))];
}
