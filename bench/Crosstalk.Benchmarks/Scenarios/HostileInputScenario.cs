using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Engine.Imports;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// What users wait for on real-world and hostile input (issue #23).
/// <list type="bullet">
/// <item><c>degenerate-analysis</c>: the analysis of one message of 0.1, 1 and 10 MB of degenerate text (one token, an
/// emoji wall, a repeated line, 10,000 short distinct messages) against ordinary prose of the same size (seed 001's
/// messages repeated) — the baseline, measured in the same run — and a 5 MB single-token message; in process, median of
/// the rounds.</item>
/// <item><c>folder-import FOLDER</c>: cold processes of the CLI, as a user runs them: <c>crosstalk analyze FOLDER</c>,
/// <c>crosstalk import FOLDER</c> then <c>crosstalk analyze store</c>, and the same import again, against a cold start that does nothing
/// (<c>crosstalk --version</c>); plus the in-process split between reading and analysing.</item>
/// </list>
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- degenerate-analysis [--rounds 3]</c>;
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- folder-import PATH [--rounds 3] [--cli CLI] [--before CLI]</c>
/// (build the CLI in Release first: <c>dotnet build src/Crosstalk.Cli -c Release</c>; <c>--cli</c> measures another
/// crosstalk than this checkout's build, <c>--before</c> a second one in the same rounds, alternating; either may be a
/// build's <c>crosstalk.dll</c> or a published single file).
/// </remarks>
internal static class HostileInputScenario
{
    public static int RunDegenerate(string[] args)
    {
        var rounds = Options.Int(args, "--rounds", 3);
        var prose = string.Join("\n\n", SeedMarkdown.ReadFile(Crosstalk.Testing.SharedFiles.Seed001).Messages.Select(m => m.Content));
        var kinds = new (string Name, Func<int, Transcript> Make)[]
        {
            ("ordinary prose (baseline)", size => OneMessage(Repeat(prose, size))),
            ("one token (`abab…`)", size => OneMessage(Repeat("ab", size))),
            ("emoji wall", size => OneMessage(Repeat("🌀✨🙏", size))),
            ("one line repeated", size => OneMessage(Repeat("Thank you, farewell, my friend. [END]\n", size))),
            ("short distinct messages", DistinctMessages),
        };
        int[] sizes = [100_000, 1_000_000, 10_000_000];
        Console.WriteLine("| Input | 0.1 MB | 1 MB | 10 MB | s per MB at 10 MB | against prose at 10 MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        double? baseline = null;
        foreach (var (name, make) in kinds)
        {
            var times = sizes.Select(size => Time(make(size), rounds)).ToArray();
            baseline ??= times[^1];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {times[0]:0.000} s | {times[1]:0.000} s | {times[2]:0.00} s | {times[2] / 10:0.000} | {times[2] / baseline:0.00} × |"));
        }

        var token = Time(OneMessage(Repeat("ab", 5_000_000)), rounds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"5 MB single-token message: {token:0.00} s (target: under 5 s)"));
        return 0;
    }

    public static async Task<int> RunFolderAsync(string[] args)
    {
        if (args.Length == 0 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("folder-import needs a folder of transcripts (for example a clone of samhains/UniversalBackrooms's var/backrooms_logs).");
            return 2;
        }

        var folder = Path.GetFullPath(args[0]);
        var rounds = Options.Int(args, "--rounds", 3);

        // In process: what reading costs against analysing.
        var clock = Stopwatch.StartNew();
        var transcripts = new List<Transcript>();
        var skipped = 0;
        await foreach (var (_, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), _ => skipped++))
        {
            transcripts.Add(transcript);
        }

        var read = clock.Elapsed.TotalSeconds;
        if (args.Contains("--measures"))
        {
            // --measures: each per-message measure over every message, on one thread, cold and then warm (what each costs,
            // and what a process pays to start it), then the whole analysis below once more, warm.
            MeasureEach([.. transcripts.SelectMany(t => t.Messages).Select(m => m.Content)]);
        }

        // --alloc-types: what the analysis allocates, by type (sampled by the runtime's own events).
        using var gcEvents = args.Contains("--alloc-types") ? new GcEvents(allocationTypes: true) : null;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var paused = GC.GetTotalPauseDuration();
        clock.Restart();
        var corpus = new CorpusAnalyzer();
        foreach (var transcript in transcripts)
        {
            corpus.Add(transcript);
        }

        var analysed = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in process: read {transcripts.Count:N0} transcripts ({transcripts.Sum(t => t.Messages.Count):N0} messages; {skipped} files refused) in {read:0.00} s, analysed them in {analysed:0.00} s " +
            $"(allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0:N0} MB, {GC.CollectionCount(0) - collections} GCs, paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:0.00} s)"));
        foreach (var (type, bytes) in gcEvents?.AllocatedTypes().Take(15) ?? [])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / 1048576.0,8:N0} MB  {type}"));
        }

        if (Options.Text(args, "--dump") is { } dump)
        {
            // --dump FILE: every transcript's analysis, to compare two builds' results.
            await File.WriteAllLinesAsync(dump, transcripts.Select(t => JsonSerializer.Serialize(TranscriptAnalyzer.Analyze(t), AnalysisJsonContext.Default.TranscriptAnalysis)));
        }

        if (args.Contains("--measures"))
        {
            foreach (var (name, run) in new (string, Action<Transcript>)[] { ("analysis", t => TranscriptAnalyzer.Analyze(t)), ("analysis and facts", t => TranscriptAnalyzer.AnalyzeWithFacts(t)) })
            {
                var again = Stopwatch.StartNew();
                transcripts.ForEach(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-22} again {again.Elapsed.TotalMilliseconds,7:N0} ms"));
            }
        }

        if (rounds == 0)
        {
            // --rounds 0: the in-process figures only (to profile the analysis).
            return 0;
        }

        // Whole processes, cold, as a user runs them; with --before CLI, another build of the CLI in the same rounds,
        // alternating with this one (this machine's spread between runs minutes apart is larger than most changes).
        var builds = new List<Build> { Options.Text(args, "--cli") is { } other ? new("--cli", Existing("--cli", other)) : new("this build", CliProcess.ThisBuild()) };
        if (Options.Text(args, "--before") is { } before)
        {
            builds.Insert(0, new("--before", Existing("--before", before)));
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var build in builds)
            {
                build.Start.Add(Run(build.Cli, "--version"));
                build.AnalyzeFolder.Add(Run(build.Cli, "analyze", folder));
                var db = Path.Combine(Path.GetTempPath(), "crosstalk-folder-bench-" + Guid.NewGuid().ToString("N")[..8] + ".db");
                try
                {
                    build.ImportThenAnalyze.Add(Run(build.Cli, "import", folder, "--db", db) + Run(build.Cli, "analyze", "store", "--db", db));
                    build.ImportAgain.Add(Run(build.Cli, "import", folder, "--db", db));
                }
                finally
                {
                    foreach (var file in Directory.GetFiles(Path.GetDirectoryName(db)!, Path.GetFileName(db) + "*"))
                    {
                        File.Delete(file);
                    }
                }
            }
        }

        foreach (var build in builds)
        {
            var baseline = Options.Median(build.Start);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{build.Name} ({build.Cli}), median of {rounds} rounds, cold processes:"));
            Console.WriteLine("| Command | Wall time | Against a cold start |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `crosstalk --version` (cold start, baseline) | {baseline:0.00} s | 1.0 × |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `crosstalk analyze FOLDER` | {Options.Median(build.AnalyzeFolder):0.00} s | {Options.Median(build.AnalyzeFolder) / baseline:0.0} × |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `crosstalk import FOLDER` + `crosstalk analyze store` | {Options.Median(build.ImportThenAnalyze):0.00} s | {Options.Median(build.ImportThenAnalyze) / baseline:0.0} × |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `crosstalk import FOLDER` again (nothing new) | {Options.Median(build.ImportAgain):0.00} s | {Options.Median(build.ImportAgain) / baseline:0.0} × |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import + analyze store, each round: {string.Join(", ", build.ImportThenAnalyze.Select(t => t.ToString("0.00", CultureInfo.InvariantCulture)))} s"));
        }

        if (builds is [var earlier, var measured])
        {
            var ratio = Options.Median(measured.ImportThenAnalyze) / Options.Median(earlier.ImportThenAnalyze);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import + analyze store, {measured.Name} against {earlier.Name}: {ratio:0.00} ×"));
        }

        return 0;
    }

    private static void MeasureEach(string[] texts)
    {
        var measures = new (string Name, Action<string> Run)[]
        {
            ("words, lower-cased", t => TextWords.Lower(t)),
            ("content-word counts", t => LexicalMeasures.Counts(TextWords.Lower(t), skipStopWords: true)),
            ("word count", t => TextWords.Count(t)),
            ("shingles", t => ShingleSet.Create(t)),
            ("emoji", t => TextWords.Emoji(t)),
            ("garbled words", t => GarbledWordDetector.Find(t, out _)),
            ("end token", t => EndTokenDetector.EndsWithToken(t, "^C^C")),
            ("farewell", t => FarewellDetector.IsFarewell(t, "^C^C")),
            ("refusal", t => RefusalDetector.IsRefusal(t)),
            ("compression ratio", t => LexicalMeasures.CompressionRatio(t)),
            ("closing kind", t => ClosingDetector.Classify(t)),
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"each measure over the {texts.Length:N0} messages ({texts.Sum(t => (long)t.Length) / 1048576.0:0.0} M characters), one thread:"));
        foreach (var (name, run) in measures)
        {
            var passes = new double[3];
            for (var pass = 0; pass < passes.Length; pass++)
            {
                var clock = Stopwatch.StartNew();
                foreach (var text in texts)
                {
                    run(text);
                }

                passes[pass] = clock.Elapsed.TotalMilliseconds;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-22} first {passes[0],7:N0} ms, then {passes[1],7:N0} / {passes[2],7:N0} ms"));
        }
    }

    private static double Time(Transcript transcript, int rounds)
    {
        TranscriptAnalyzer.Analyze(OneMessage("warm up the analyzer"));
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            TranscriptAnalyzer.Analyze(transcript);
            times.Add(clock.Elapsed.TotalSeconds);
        }

        return Options.Median(times);
    }

    private static string Repeat(string unit, int size)
    {
        var builder = new StringBuilder(size + unit.Length);
        while (builder.Length < size)
        {
            builder.Append(unit);
        }

        return builder.ToString(0, size);
    }

    private static Transcript OneMessage(string text) => Conversation(["Hello there, how are you?", text, "Goodbye. [END]"]);

    // Messages of about 700 characters, each of 100 words drawn from 5,000 invented ones: no two alike.
    private static Transcript DistinctMessages(int size)
    {
        var random = new Random(1);
        var words = Enumerable.Range(0, 5_000).Select(_ => new string(Enumerable.Range(0, random.Next(3, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray())).ToArray();
        var messages = new List<string>();
        for (var total = 0; total < size;)
        {
            var message = string.Join(' ', Enumerable.Range(0, 100).Select(_ => words[random.Next(words.Length)]));
            messages.Add(message);
            total += message.Length;
        }

        return Conversation(messages);
    }

    private static Transcript Conversation(IReadOnlyList<string> messages) => new()
    {
        Participants = [new Participant(1, "A"), new Participant(2, "B")],
        Messages = [.. messages.Select((m, i) => new TranscriptMessage { Seat = i % 2 + 1, Speaker = i % 2 == 0 ? "A" : "B", Content = m })],
    };

    /// <summary>A crosstalk measured by folder-import's whole-process rounds, and its times (s) by command.</summary>
    private sealed class Build(string name, string cli)
    {
        public string Name { get; } = name;

        public string Cli { get; } = cli;

        public List<double> Start { get; } = [];

        public List<double> AnalyzeFolder { get; } = [];

        public List<double> ImportThenAnalyze { get; } = [];

        public List<double> ImportAgain { get; } = [];
    }

    private static string Existing(string option, string path) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new InvalidOperationException($"{option}: {path} does not exist");

    private static double Run(string cli, params string[] args)
    {
        var (exitCode, _, error, seconds) = CliProcess.Run(cli, args);
        return exitCode == 0
            ? seconds
            : throw new InvalidOperationException($"crosstalk {string.Join(' ', args)} exited {exitCode}: {error.Split('\n').LastOrDefault(l => l.Length > 0)}");
    }
}
