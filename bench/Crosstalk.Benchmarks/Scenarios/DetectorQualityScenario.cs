using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Precision and recall of the detectors against transcripts labelled by hand (docs/analysis.md): goodbye loops (a hit
/// when the detected loop starts and ends within ±3 messages of the labelled one), near copies (per message: the later
/// message of a labelled pair, against messages that end a detected pair) and refusals (per message).
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
        if (logs is null || !Directory.Exists(logs))
        {
            Console.Error.WriteLine("detector-quality needs --logs: the folder of logs the labels file names (clone its repository at its commit).");
            return 2;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(labels));
        Counts loops = new(), copies = new(), refusals = new();
        Console.WriteLine("| Transcript | Goodbye loop, labelled | Detected | Near copies missed | Near copies extra | Refusals labelled / detected |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var entry in document.RootElement.GetProperty("transcripts").EnumerateArray())
        {
            var id = entry.GetProperty("id").GetString()!;
            var transcript = TranscriptFile.Read(Path.Combine(logs, entry.GetProperty("path").GetString()!));
            var analysis = TranscriptAnalyzer.Analyze(transcript);

            (int Start, int End)? labelled = entry.GetProperty("goodbyeLoop") is { ValueKind: JsonValueKind.Object } l
                ? (l.GetProperty("start").GetInt32(), l.GetProperty("end").GetInt32())
                : null;
            (int Start, int End)? detected = analysis.GoodbyeLoop is { } loop ? (loop.Start, loop.End) : null;
            var hit = labelled is { } a && detected is { } b && Math.Abs(a.Start - b.Start) <= 3 && Math.Abs(a.End - b.End) <= 3;
            loops.Add(hit ? 1 : 0, !hit && detected is not null ? 1 : 0, !hit && labelled is not null ? 1 : 0);

            var labelledCopies = entry.GetProperty("nearCopies").EnumerateArray().Select(p => p[1].GetInt32()).ToHashSet();
            var detectedCopies = analysis.NearDuplicates.Select(d => d.Second).ToHashSet();
            copies.Add(labelledCopies.Intersect(detectedCopies).Count(), detectedCopies.Except(labelledCopies).Count(), labelledCopies.Except(detectedCopies).Count());

            var labelledRefusals = entry.GetProperty("refusals").EnumerateArray().Select(r => r.GetInt32()).ToHashSet();
            var detectedRefusals = analysis.Refusals.ToHashSet();
            refusals.Add(labelledRefusals.Intersect(detectedRefusals).Count(), detectedRefusals.Except(labelledRefusals).Count(), labelledRefusals.Except(detectedRefusals).Count());

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {Span(labelled)} | {Span(detected)}{(hit ? " ✓" : "")} | {List(labelledCopies.Except(detectedCopies))} | {List(detectedCopies.Except(labelledCopies))} | {List(labelledRefusals)} / {List(detectedRefusals)} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| Detector | Precision | Recall | Hits | False alarms | Misses |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Console.WriteLine(loops.Row("goodbye loop (start and end within ±3 messages)"));
        Console.WriteLine(copies.Row("near copy (per message)"));
        Console.WriteLine(refusals.Row("refusal (per message)"));
        return 0;
    }

    private static string Span((int Start, int End)? span) =>
        span is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s.Start}–{s.End}") : "none";

    private static string List(IEnumerable<int> messages) =>
        messages.Order().ToList() is { Count: > 0 } list ? string.Join(", ", list) : "—";

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
