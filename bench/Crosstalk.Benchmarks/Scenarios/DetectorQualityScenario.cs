using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Precision and recall of the detectors against transcripts labelled by hand (docs/analysis.md): goodbye loops (a hit
/// when the detected loop starts and ends within ±3 messages of the labelled one), near copies (per message: the later
/// message of a labelled pair, against messages that end a detected pair) and refusals (per message). A goodbye loop is
/// also scored as found when the detected one overlaps the labelled one; <c>--second-reader FILE</c> scores a second
/// reader's loops against the first's the same way. <c>--judge MODEL</c> places the goodbye loops with
/// <c>crosstalk judge --rubric goodbye-loop</c> (this checkout's Release build, run for each labelled log as a user runs
/// it: the user's catalog and keys, <c>--models FILE</c> and <c>--cache DIR</c> passed on) instead of the detector, and
/// scores them the same way; <c>offline:judge</c>, which answers with the detector, reproduces the detector's figures.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- detector-quality --labels
/// tests/data/labelled/universal-backrooms-30.json --logs PATH/var/backrooms_logs</c>. The logs are not in this
/// repository (their source states no licence): the labels file names the repository and commit to clone.
/// </remarks>
internal static class DetectorQualityScenario
{
    public static int Run(string[] args)
    {
        var labels = Options.Text(args, "--labels") ?? "tests/data/labelled/universal-backrooms-30.json";
        var logs = Options.Text(args, "--logs");
        var secondReader = Options.Text(args, "--second-reader");
        if (logs is null || !Directory.Exists(logs))
        {
            Console.Error.WriteLine("detector-quality needs --logs: the folder of logs the labels file names (clone its repository at its commit).");
            return 2;
        }

        var judge = Options.Text(args, "--judge") is { } judgeModel
            ? new LoopJudge(judgeModel, [.. Passed(args, "--models"), .. Passed(args, "--cache")])
            : null;
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
                ? (loopLabelled ? judge.Span(id, Path.Combine(logs, entry.GetProperty("path").GetString()!)) : null)
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

    // An option given to this scenario, passed on to crosstalk as it was given.
    private static string[] Passed(string[] args, string name) => Options.Text(args, name) is { } value ? [name, value] : [];

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

    /// <summary>
    /// An LLM judge placing goodbye loops: <c>crosstalk judge LOG --rubric goodbye-loop --json</c> for each labelled log,
    /// run as a user runs it (the user's catalog, keys and answer cache; the rubric's controls first).
    /// </summary>
    private sealed class LoopJudge(string model, string[] options)
    {
        private readonly string _cli = CliProcess.ThisBuild();
        private bool _controlsSaid;

        public string Model { get; } = model;

        public int Failures { get; private set; }

        public string? FirstFailure { get; private set; }

        /// <summary>The judge's span for one log; null for none, or when it gave no usable answer (counted).</summary>
        public (int Start, int End)? Span(string id, string log)
        {
            var (exitCode, output, error, _) = CliProcess.Run(_cli, ["judge", log, "--rubric", "goodbye-loop", "--model", Model, "--json", .. options]);
            if (!_controlsSaid && error.Split('\n').FirstOrDefault(l => l.Contains("controls of goodbye-loop", StringComparison.Ordinal)) is { } controls)
            {
                // Said once, before the table: whether this judge placed the rubric's control conversations right.
                Console.Error.WriteLine(controls);
                _controlsSaid = true;
            }

            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith('{'));
            if (line is null)
            {
                throw new InvalidOperationException($"crosstalk judge {log} exited {exitCode}: {error.Split('\n').LastOrDefault(l => l.Length > 0)}");
            }

            using var result = JsonDocument.Parse(line);
            if (!result.RootElement.TryGetProperty("answer", out var answer) || answer.ValueKind != JsonValueKind.Object)
            {
                Failures++;
                FirstFailure ??= $"{id}: {(result.RootElement.TryGetProperty("error", out var why) ? why.GetString() : "no answer")}";
                return null;
            }

            return Crosstalk.Analysis.Judge.JudgeRubrics.LoopSpan(answer);
        }
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
