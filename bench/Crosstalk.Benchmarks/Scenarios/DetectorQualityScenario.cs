using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Analysis.Judge;
using Crosstalk.Engine.Models;
using Crosstalk.Studies;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Precision and recall of the detectors against transcripts labelled by hand (docs/analysis.md): goodbye loops (a hit
/// when the detected loop starts and ends within ±3 messages of the labelled one), near copies (per message: the later
/// message of a labelled pair, against messages that end a detected pair) and refusals (per message). A goodbye loop is
/// also scored as found when the detected one overlaps the labelled one; <c>--second-reader FILE</c> scores a second
/// reader's loops against the first's the same way. <c>--judge MODEL</c> places the goodbye loops with an LLM judge and
/// the built-in <c>goodbye-loop</c> rubric instead of the detector (its controls first; its answers cached as
/// <c>crosstalk judge</c> caches them, <c>--cache DIR</c>, default ~/.cache/crosstalk/judge; <c>--models FILE</c> a
/// catalog; keys from the environment), scored the same way; <c>offline:judge</c>, which answers with the detector,
/// reproduces the detector's figures.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- detector-quality --labels
/// tests/data/labelled/universal-backrooms-30.json --logs PATH/var/backrooms_logs</c>. The logs are not in this
/// repository (their source states no licence): the labels file names the repository and commit to clone.
/// </remarks>
internal static class DetectorQualityScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var labels = Options.Text(args, "--labels") ?? "tests/data/labelled/universal-backrooms-30.json";
        var logs = Options.Text(args, "--logs");
        var secondReader = Options.Text(args, "--second-reader");
        if (logs is null || !Directory.Exists(logs))
        {
            Console.Error.WriteLine("detector-quality needs --logs: the folder of logs the labels file names (clone its repository at its commit).");
            return 2;
        }

        using var judge = Options.Text(args, "--judge") is { } judgeModel ? await LoopJudge.StartAsync(judgeModel, Options.Text(args, "--models"), Options.Text(args, "--cache")) : null;
        using var document = JsonDocument.Parse(File.ReadAllText(labels));
        var second = secondReader is null ? null : Loops(secondReader);
        Counts loops = new(), present = new(), copies = new(), refusals = new(), readers = new(), readersPresent = new();
        bool loopsLabelled = false, copiesLabelled = false, refusalsLabelled = false;
        Console.WriteLine($"| Transcript | Goodbye loop, labelled | {(judge is null ? "Detected" : "Judge " + judge.Model)} | Near copies missed | Near copies extra | Refusals labelled / detected |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var entry in document.RootElement.GetProperty("transcripts").EnumerateArray())
        {
            var id = entry.GetProperty("id").GetString()!;
            var transcript = TranscriptFile.Read(Path.Combine(logs, entry.GetProperty("path").GetString()!));
            var analysis = TranscriptAnalyzer.Analyze(transcript);

            // A set labelled for near copies only has no goodbye-loop labels: that detector is not scored on it.
            var loopLabelled = entry.TryGetProperty("goodbyeLoop", out _);
            loopsLabelled |= loopLabelled;
            var labelled = loopLabelled ? Loop(entry) : null;
            (int Start, int End)? detected = judge is not null
                ? (loopLabelled ? await judge.SpanAsync(id, transcript) : null)
                : analysis.GoodbyeLoop is { } loop ? (loop.Start, loop.End) : null;
            var hit = loopLabelled && Compare(labelled, detected, loops, present);
            if (second is not null && loopLabelled)
            {
                Compare(labelled, second[id], readers, readersPresent);
            }

            // A set labelled for goodbye loops only has no near-copy or refusal labels: those detectors are not scored on it.
            var copyCells = "not labelled | not labelled";
            if (entry.TryGetProperty("nearCopies", out var pairs))
            {
                copiesLabelled = true;
                var labelledCopies = pairs.EnumerateArray().Select(p => p[1].GetInt32()).ToHashSet();
                var detectedCopies = analysis.NearDuplicates.Select(d => d.Second).ToHashSet();
                copies.Add(labelledCopies.Intersect(detectedCopies).Count(), detectedCopies.Except(labelledCopies).Count(), labelledCopies.Except(detectedCopies).Count());
                copyCells = $"{List(labelledCopies.Except(detectedCopies))} | {List(detectedCopies.Except(labelledCopies))}";
            }

            var refusalCell = "not labelled";
            if (entry.TryGetProperty("refusals", out var refused))
            {
                refusalsLabelled = true;
                var labelledRefusals = refused.EnumerateArray().Select(r => r.GetInt32()).ToHashSet();
                var detectedRefusals = analysis.Refusals.ToHashSet();
                refusals.Add(labelledRefusals.Intersect(detectedRefusals).Count(), detectedRefusals.Except(labelledRefusals).Count(), labelledRefusals.Except(detectedRefusals).Count());
                refusalCell = $"{List(labelledRefusals)} / {List(detectedRefusals)}";
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {(loopLabelled ? Span(labelled) : "not labelled")}{(second is null ? "" : $" (second reader: {Span(second[id])})")} | {Span(detected)}{(hit ? " ✓" : "")} | {copyCells} | {refusalCell} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| Detector | Precision | Recall | Hits | False alarms | Misses |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        if (loopsLabelled)
        {
            var by = judge is null ? "" : $", judge {judge.Model}";
            Console.WriteLine(loops.Row($"goodbye loop{by} (start and end within ±3 messages)"));
            Console.WriteLine(present.Row($"goodbye loop found{by} (the detected one overlaps the labelled one)"));
        }

        if (copiesLabelled)
        {
            Console.WriteLine(copies.Row("near copy (per message)"));
        }

        if (refusalsLabelled)
        {
            Console.WriteLine(refusals.Row("refusal (per message)"));
        }

        if (second is not null)
        {
            // The second reader scored against the first as the detector is: how far two readers agree bounds what a detector can.
            Console.WriteLine(readers.Row("second reader's goodbye loop (start and end within ±3 messages)"));
            Console.WriteLine(readersPresent.Row("second reader's goodbye loop (overlaps the first reader's)"));
        }

        if (judge is { Failures: > 0 })
        {
            Console.WriteLine();
            Console.WriteLine($"The judge left {judge.Failures} transcript(s) without an answer (counted as no loop); the first: {judge.FirstFailure}");
        }

        return 0;
    }

    /// <summary>Scores one detected span against a labelled one: exact (±3 at both ends) and found (overlapping); returns the exact hit.</summary>
    private static bool Compare((int Start, int End)? labelled, (int Start, int End)? detected, Counts exact, Counts found)
    {
        var hit = labelled is { } a && detected is { } b && Math.Abs(a.Start - b.Start) <= 3 && Math.Abs(a.End - b.End) <= 3;
        exact.Add(hit ? 1 : 0, !hit && detected is not null ? 1 : 0, !hit && labelled is not null ? 1 : 0);
        var overlaps = labelled is { } x && detected is { } y && x.Start <= y.End && y.Start <= x.End;
        found.Add(overlaps ? 1 : 0, !overlaps && detected is not null ? 1 : 0, !overlaps && labelled is not null ? 1 : 0);
        return hit;
    }

    private static (int Start, int End)? Loop(JsonElement entry) =>
        entry.GetProperty("goodbyeLoop") is { ValueKind: JsonValueKind.Object } l ? (l.GetProperty("start").GetInt32(), l.GetProperty("end").GetInt32()) : null;

    private static Dictionary<string, (int Start, int End)?> Loops(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("transcripts").EnumerateArray()
            .ToDictionary(e => e.GetProperty("id").GetString()!, Loop, StringComparer.Ordinal);
    }

    private static string Span((int Start, int End)? span) =>
        span is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s.Start}–{s.End}") : "none";

    private static string List(IEnumerable<int> messages) =>
        messages.Order().ToList() is { Count: > 0 } list ? string.Join(", ", list) : "—";

    /// <summary>An LLM judge placing goodbye loops with the built-in rubric, as <c>crosstalk judge</c> asks it.</summary>
    private sealed class LoopJudge : IDisposable
    {
        private readonly ModelResolver _resolver;
        private readonly JudgeScorer _scorer;

        private LoopJudge(string model, ModelResolver resolver, JudgeScorer scorer)
        {
            Model = model;
            _resolver = resolver;
            _scorer = scorer;
        }

        public string Model { get; }

        public int Failures { get; private set; }

        public string? FirstFailure { get; private set; }

        public static async Task<LoopJudge> StartAsync(string model, string? catalog, string? cacheDirectory)
        {
            var resolver = new ModelResolver(new ModelResolverOptions { CatalogFile = catalog, Environment = Environment.GetEnvironmentVariable });
            var client = resolver.Resolve(model, seed: 1).Client;
            var cache = new FileJudgeCache(cacheDirectory ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "crosstalk", "judge"));
            var outcome = (await StudyJudging.RunControlsAsync(JudgeRubrics.GoodbyeLoop, JudgeControls.For(JudgeRubrics.GoodbyeLoop.Id), [new PanelJudge(model, client)], cache))[0];
            Console.WriteLine(outcome.Failed
                ? $"Judge {model} failed the goodbye-loop controls: {outcome.Right} of {outcome.Total} right ({string.Join("; ", outcome.Misses)})."
                : $"Judge {model}: {outcome.Right} of {outcome.Total} goodbye-loop controls right.");
            Console.WriteLine();
            return new LoopJudge(model, resolver, new JudgeScorer(client, model, cache));
        }

        /// <summary>The judge's span for one transcript; null for none, or when it gave no usable answer (counted).</summary>
        public async Task<(int Start, int End)?> SpanAsync(string id, Crosstalk.Transcripts.Transcript transcript)
        {
            var result = (await _scorer.ScoreAsync(transcript, JudgeRubrics.GoodbyeLoop))[0];
            if (result.Answer is not { } answer)
            {
                Failures++;
                FirstFailure ??= $"{id}: {result.Error}";
                return null;
            }

            return answer.GetProperty("first").ValueKind == JsonValueKind.Number
                ? (answer.GetProperty("first").GetInt32(), answer.GetProperty("last").GetInt32())
                : null;
        }

        public void Dispose() => _resolver.Dispose();
    }

    private sealed class Counts
    {
        private int _hits, _false, _missed;

        public void Add(int hits, int falseAlarms, int misses)
        {
            _hits += hits;
            _false += falseAlarms;
            _missed += misses;
        }

        public string Row(string name) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Ratio(_hits, _hits + _false)} | {Ratio(_hits, _hits + _missed)} | {_hits} | {_false} | {_missed} |");

        private static string Ratio(int part, int whole) =>
            whole == 0 ? "— (nothing detected)" : string.Create(CultureInfo.InvariantCulture, $"{(double)part / whole:0.00}");
    }
}
