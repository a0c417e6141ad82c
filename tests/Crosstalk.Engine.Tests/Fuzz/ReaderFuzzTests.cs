using System.Text;
using Crosstalk.Analysis;
using Crosstalk.Engine.Imports;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Crosstalk.Engine.Tests.Fuzz;

/// <summary>
/// Every reader and the analyzer against hostile files: real samples of every format Crosstalk reads (the seeds, the
/// original system's JSON, Crosstalk's JSON and JSONL, UniversalBackrooms logs and metadata, Inspect logs and archives,
/// llm2llm, liminal_backrooms HTML, chat_bridge, ShareGPT and OpenAI chat JSONL), damaged by truncation, control
/// characters, huge tokens, deep nesting, bytes that are not UTF-8, wrong counts, and lines dropped or repeated. Every
/// damaged file is read or refused in one line (as <c>import</c> and <c>analyze</c> read it); what is read is analysed
/// and written as Markdown (or refused by the writer's one check for names). Nothing crashes or hangs.
/// </summary>
public sealed class ReaderFuzzTests
{
    private static readonly Lazy<Sample[]> Samples = new(LoadSamples);

    private static readonly Lazy<Sample[]> ConfigSamples = new(LoadConfigSamples);

    /// <summary>The kinds of damage, each with where and how much.</summary>
    private enum Damage
    {
        Truncate,
        ControlCharacter,
        HugeToken,
        DeepNesting,
        InvalidUtf8,
        CountMismatch,
        DropLine,
        RepeatLine,
    }

    [Fact]
    public void Samples_CoverEveryFormat_AndEachReadsCleanly()
    {
        var samples = Samples.Value;
        Assert.True(samples.Length >= 12, $"only {samples.Length} samples");
        foreach (var sample in samples)
        {
            var outcome = ReadAndAnalyse(sample.Name, sample.Bytes);
            Assert.True(outcome.Refused.Count == 0 && outcome.Read > 0, $"{sample.Name}: {string.Join("; ", outcome.Refused)}");
        }
    }

    [Fact]
    public void CountDamage_AfterAHugeRunOfDigits_StillChangesTheCount()
    {
        // A huge token of zeros can land right after a count (CI drew this once); the count damage must still apply.
        var digits = Apply(Encoding.UTF8.GetBytes("**Messages:** 7\n"), Damage.HugeToken, "**Messages:** ".Length, 4);
        Assert.True(digits.Length > 20_000);
        Assert.Equal("**Messages:** 8\n", Encoding.UTF8.GetString(Apply(digits, Damage.CountMismatch, 0, 0)));
    }

    [Property(MaxTest = 1000)]
    public Property DamagedFile_IsReadOrRefusedInOneLine_NeverCrashesOrHangs() =>
        Prop.ForAll(DamagedGen().ToArbitrary(), damaged =>
        {
            var outcome = ReadAndAnalyse(damaged.Name, damaged.Bytes);
            foreach (var refusal in outcome.Refused)
            {
                // One line, naming the file, and never echoing raw control characters into a terminal.
                Assert.DoesNotContain('\n', refusal);
                Assert.Contains(damaged.Name, refusal, StringComparison.Ordinal);
                Assert.True(refusal.Length < 2_000, $"a refusal of {refusal.Length} characters");
            }
        });

    [Property(MaxTest = 1000)]
    public Property DamagedExperimentStudyRubricOrCatalog_IsReadOrRefusedInOneLine() =>
        Prop.ForAll(DamagedGen(ConfigSamples.Value).ToArbitrary(), damaged =>
        {
            var folder = Directory.CreateTempSubdirectory("crosstalk-fuzz-").FullName;
            try
            {
                var path = Path.Combine(folder, damaged.Name);
                File.WriteAllBytes(path, damaged.Bytes);
                var refusal = HangGuard.Run(() =>
                {
                    try
                    {
                        _ = damaged.Name switch
                        {
                            var n when n.StartsWith("study", StringComparison.Ordinal) => (object)Crosstalk.Studies.StudyFile.Load(path),
                            var n when n.StartsWith("rubric", StringComparison.Ordinal) => Crosstalk.Analysis.Judge.RubricFile.Load(path),
                            var n when n.StartsWith("catalog", StringComparison.Ordinal) => Crosstalk.Models.Catalog.ModelCatalog.Load(path),
                            _ => Crosstalk.Experiments.ExperimentFile.Load(path).Expand(),
                        };
                        return null;
                    }
                    catch (Exception ex) when (ex is Crosstalk.Experiments.ExperimentFileException or Crosstalk.Models.Catalog.ModelCatalogException)
                    {
                        return ex.Message;
                    }
                }, $"reading {damaged}");
                if (refusal is not null)
                {
                    Assert.DoesNotContain('\n', refusal);
                    Assert.Contains(damaged.Name, refusal, StringComparison.Ordinal);
                    Assert.True(refusal.Length < 2_000, $"a refusal of {refusal.Length} characters");
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });

    [Property(MaxTest = 300)]
    public Property DamagedRunFileBesideALog_IsReadOrRefusedInOneLine() =>
        Prop.ForAll(DamagedGen([new Sample("log.meta.json", Encoding.UTF8.GetBytes(
            """{"started_at": "2025-08-30T21:11:56.727035", "template": "cli", "args_models": ["opus", "cli"], "logs": {"text": "var/backrooms_logs/log.txt"}}"""))]).ToArbitrary(), damaged =>
        {
            // A UniversalBackrooms run file is read with its log: damaged, the log is refused in one line that names it.
            var folder = Directory.CreateTempSubdirectory("crosstalk-fuzz-").FullName;
            try
            {
                File.WriteAllText(Path.Combine(folder, "log.txt"), "### Claude 1 ###\nexo help\n\n### CLI ###\nhelp: ls, cat\n");
                File.WriteAllBytes(Path.Combine(folder, "log.meta.json"), damaged.Bytes);
                var refused = new List<string>();
                HangGuard.Run(
                    async () =>
                    {
                        await foreach (var _ in TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), refused.Add))
                        {
                        }

                        return refused;
                    },
                    $"reading {damaged}");
                foreach (var refusal in refused)
                {
                    Assert.DoesNotContain('\n', refusal);
                    Assert.Contains("log.meta.json", refusal, StringComparison.Ordinal);
                    Assert.True(refusal.Length < 2_000, $"a refusal of {refusal.Length} characters");
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });

    [Property(MaxTest = 600)]
    public Property DamagedFile_ThatIsRead_IsNotSilentlyChanged() =>
        Prop.ForAll(SingleDamageGen(Damage.InvalidUtf8, Damage.CountMismatch, Damage.ControlCharacter).ToArbitrary(), damaged =>
        {
            // Read exactly or not at all: bytes that are not UTF-8 never become U+FFFD, a control character is never
            // dropped, and a count that disagrees never merges, splits or drops a message without a word (each is refused,
            // read as it is, or read with a warning).
            var (_, read) = ReadTranscripts(damaged.Name, damaged.Bytes);
            if (read is null)
            {
                return;
            }

            var (_, original) = ReadTranscripts(damaged.Name, Samples.Value.First(s => s.Name == damaged.Name).Bytes);
            Assert.NotNull(original);
            if (damaged.Damages.StartsWith(nameof(Damage.InvalidUtf8), StringComparison.Ordinal))
            {
                Assert.Equal(Texts(original).Count(t => t.Contains('\uFFFD', StringComparison.Ordinal)), Texts(read).Count(t => t.Contains('\uFFFD', StringComparison.Ordinal)));
            }
            else if (damaged.Damages.StartsWith(nameof(Damage.ControlCharacter), StringComparison.Ordinal))
            {
                if (!KeepsEveryCharacter(damaged.Name))
                {
                    return;
                }

                // A control character inserted into a file of Crosstalk's formats or a UniversalBackrooms log ends up in a
                // text, or the file is refused or read with a warning. (White space may be structure, "\uFEFF" first is a
                // byte-order mark; the other tools' formats keep only the fields they know, so a damaged key is left out.)
                var before = Encoding.UTF8.GetString(Samples.Value.First(s => s.Name == damaged.Name).Bytes);
                var after = Encoding.UTF8.GetString(damaged.Bytes);
                var inserted = after.EnumerateRunes().Select(r => r.ToString()).Distinct(StringComparer.Ordinal)
                    .FirstOrDefault(r => CountOf(after, r) != CountOf(before, r));
                var byteOrderMark = inserted == "\uFEFF" && after.StartsWith('\uFEFF') && !before.StartsWith('\uFEFF');
                if (inserted is not null && !string.IsNullOrWhiteSpace(inserted) && !byteOrderMark && read.All(t => t.ReadWarnings.Count == 0))
                {
                    Assert.True(Texts(read).Sum(t => CountOf(t, inserted)) > Texts(original).Sum(t => CountOf(t, inserted)), $"U+{char.ConvertToUtf32(inserted, 0):X4} was dropped");
                }
            }
            else if (read.All(t => t.ReadWarnings.Count == 0))
            {
                // (A seed whose count is short of its headings is read by the count, with a warning naming the heading
                // taken as text: a message may hold a line that looks like a heading, and only the count tells.)
                Assert.Equal(Messages(original), Messages(read));
            }
        });

    private static bool KeepsEveryCharacter(string name) =>
        name.EndsWith(".txt", StringComparison.Ordinal) || name.EndsWith(".original.json", StringComparison.Ordinal) || name.StartsWith("seed", StringComparison.Ordinal) || name.StartsWith("crosstalk", StringComparison.Ordinal);

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static IEnumerable<string> Texts(List<Transcript> transcripts) =>
        transcripts.SelectMany(t => new[] { t.Title }
            .Concat(t.Participants.SelectMany(p => new[] { p.Name, p.Model ?? string.Empty, p.SystemPrompt ?? string.Empty }))
            .Concat(t.Messages.SelectMany(m => new[] { m.Speaker, m.Content }))
            .Concat(t.Metadata.SelectMany(kv => new[] { kv.Key, kv.Value })));

    private static string[] Messages(List<Transcript> transcripts) =>
        [.. transcripts.SelectMany(t => t.Messages.Select(m => $"{m.Seat} {m.Speaker}: {m.Content}"))];

    /// <summary>The transcripts one file holds as <c>import</c> reads them, or null (and the refusals) when it is refused.</summary>
    private static (List<string> Refused, List<Transcript>? Read) ReadTranscripts(string name, byte[] bytes)
    {
        var folder = Directory.CreateTempSubdirectory("crosstalk-fuzz-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            return HangGuard.Run(
                async () =>
                {
                    var refused = new List<string>();
                    var read = new List<Transcript>();
                    await foreach (var (_, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), refused.Add))
                    {
                        read.Add(transcript);
                    }

                    return (refused, refused.Count == 0 ? read : null);
                },
                $"reading {name}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Gen<Damaged> SingleDamageGen(params Damage[] kinds) =>
        from sample in Gen.Elements(Samples.Value)
        from kind in Gen.Elements(kinds)
        from position in Gen.Choose(0, 1_000_000)
        from amount in Gen.Choose(0, 1_000_000)
        select new Damaged(sample.Name, Apply(sample.Bytes, kind, position, amount), $"{kind} at {position}, {amount}");

    /// <summary>Reads one file as <c>import</c> does, then analyses and writes each transcript; 30 s at most.</summary>
    private static Outcome ReadAndAnalyse(string name, byte[] bytes)
    {
        var folder = Directory.CreateTempSubdirectory("crosstalk-fuzz-").FullName;
        try
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            return HangGuard.Run(
                async () =>
            {
                var refused = new List<string>();
                var read = 0;
                await foreach (var (_, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), refused.Add))
                {
                    read++;
                    var analysis = TranscriptAnalyzer.Analyze(transcript);
                    Assert.Equal(transcript.Messages.Count, analysis.Messages);
                    if (transcript.Participants.All(p => SeedMarkdown.NameProblem(p.Name) is null))
                    {
                        // Written as Markdown it reads back on the same seats, or the writer refuses it (one name on two seats out of turn).
                        if (SeedMarkdown.SeatOrderProblem([.. transcript.Participants.Select(p => p.Name)], transcript.Messages.Select(m => m.Seat)) is null)
                        {
                            Assert.Equal(transcript.Messages.Select(m => m.Seat), SeedMarkdown.Read(SeedMarkdown.Write(transcript)).Messages.Select(m => m.Seat));
                        }
                        else
                        {
                            Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Write(transcript));
                        }
                    }
                }

                return new Outcome(read, refused);
            },
                $"reading {name}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Gen<Damaged> DamagedGen() => DamagedGen(Samples.Value);

    private static Gen<Damaged> DamagedGen(Sample[] samples) =>
        from sample in Gen.Elements(samples)
        from count in Gen.Choose(1, 3)
        from damages in DamageGen().ListOf(count)
        select new Damaged(sample.Name, damages.Aggregate(sample.Bytes, (bytes, d) => Apply(bytes, d.Kind, d.Where, d.How)), string.Join(", ", damages));

    private static Gen<(Damage Kind, int Where, int How)> DamageGen() =>
        from kind in Gen.Elements(Enum.GetValues<Damage>())
        from position in Gen.Choose(0, 1_000_000)
        from amount in Gen.Choose(0, 1_000_000)
        select (kind, position, amount);

    private static byte[] Apply(byte[] bytes, Damage damage, int where, int how)
    {
        var at = bytes.Length == 0 ? 0 : where % (bytes.Length + 1);
        byte[] Insert(byte[] inserted) => [.. bytes.AsSpan(0, at), .. inserted, .. bytes.AsSpan(at)];
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        switch (damage)
        {
            case Damage.Truncate:
                return bytes[..at];
            case Damage.ControlCharacter:
                char[] controls = ['\0', '\u001b', '\u0007', '\r', '\u007f', '\u0085', '\u2028', '\u202e', '\ufeff'];
                return Insert(Encoding.UTF8.GetBytes(controls[how % controls.Length].ToString()));
            case Damage.HugeToken:
                string[] tokens = ["a", "@", "🌀", "ab", "0", "\\", "\""];
                return Insert(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(tokens[how % tokens.Length], 20_000 + how % 80_000))));
            case Damage.DeepNesting:
                string[] openers = ["[", "{\"a\":", "> ", "- ", "<div>", "```\n"];
                return Insert(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(openers[how % openers.Length], 5_000 + how % 25_000))));
            case Damage.InvalidUtf8:
                byte[][] invalid = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]];
                return Insert(invalid[how % invalid.Length]);
            case Damage.CountMismatch:
                var text = Encoding.UTF8.GetString(bytes);
                var changed = System.Text.RegularExpressions.Regex.Replace(
                    text,
                    @"(\*\*Messages:\*\* |### Round \d+/|""max_turns"": ?|""message_count"": ?)(\d+)",
                    m => m.Groups[1].Value + System.Numerics.BigInteger.Max(0, System.Numerics.BigInteger.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + (how % 2 == 0 ? 1 : -1)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    System.Text.RegularExpressions.RegexOptions.None,
                    TimeSpan.FromSeconds(5));
                return Encoding.UTF8.GetBytes(changed);
            case Damage.DropLine when lines.Length > 1:
                var drop = how % lines.Length;
                return Encoding.UTF8.GetBytes(string.Join('\n', lines.Where((_, i) => i != drop)));
            case Damage.RepeatLine when lines.Length > 0:
                var repeat = how % lines.Length;
                return Encoding.UTF8.GetBytes(string.Join('\n', lines.SelectMany((l, i) => i == repeat ? Enumerable.Repeat(l, 1 + how % 3) : [l])));
            default:
                return bytes;
        }
    }

    private static Sample[] LoadSamples()
    {
        var root = new DirectoryInfo(SharedFiles.Directory).Parent!.FullName;
        var files = new List<string>
        {
            SharedFiles.Seed000,
            SharedFiles.Seed001OriginalJson,
        };
        files.AddRange(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Imports", "Foreign")).Where(f => !f.EndsWith("NOTICE", StringComparison.Ordinal)));
        files.AddRange(Directory.GetFiles(Path.Combine(root, "tests", "Crosstalk.Core.Tests", "Analysis", "Backrooms"), "*.txt").Where(f => !f.EndsWith("README.txt", StringComparison.Ordinal)));

        // Crosstalk's own formats and the chat formats, written from seed 000.
        var seed = SeedMarkdown.ReadFile(SharedFiles.Seed000);
        var samples = files.Select(f => new Sample(Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        samples.Add(new Sample("crosstalk.json", Encoding.UTF8.GetBytes(TranscriptJson.Write(seed))));
        var jsonl = new StringWriter();
        TranscriptJson.WriteLine(jsonl, seed);
        TranscriptJson.WriteLine(jsonl, seed);
        samples.Add(new Sample("crosstalk.jsonl", Encoding.UTF8.GetBytes(jsonl.ToString())));
        samples.Add(new Sample("seed.md", Encoding.UTF8.GetBytes(SeedMarkdown.Write(seed))));
        samples.Add(new Sample("sharegpt.jsonl", Encoding.UTF8.GetBytes(
            """{"conversations":[{"from":"system","value":"Be brief."},{"from":"human","value":"Hello there."},{"from":"gpt","value":"Hi! [END]"}]}""" + "\n")));
        samples.Add(new Sample("openai.jsonl", Encoding.UTF8.GetBytes(
            """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello there."},{"role":"assistant","content":"Hi! [END]"}]}""" + "\n")));
        return [.. samples];
    }

    /// <summary>The experiment file of docs/experiments.md, the original system's config.json, the study presets, a rubric, and the built-in catalog.</summary>
    private static Sample[] LoadConfigSamples()
    {
        var root = new DirectoryInfo(SharedFiles.Directory).Parent!.FullName;
        var docs = File.ReadAllText(Path.Combine(root, "docs", "experiments.md"));
        var yamlStart = docs.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var experiment = docs[yamlStart..docs.IndexOf("```", yamlStart, StringComparison.Ordinal)];
        var samples = new List<Sample>
        {
            new("experiment.yaml", Encoding.UTF8.GetBytes(experiment)),
            new("config.json", Encoding.UTF8.GetBytes(
                """{"max_turns": 96, "max_workers": 4, "models": [{"name": "Kimi K2", "model_id": "offline:eliza", "temperature": 0.7}, {"name": "4o", "model_id": "offline:markov", "system_prompt": "Own prompt."}]}""")),
            new("rubric.yaml", Encoding.UTF8.GetBytes(
                "id: tone\ndescription: The tone.\nscope: conversation\nprompt: |\n  Conversation:\n  {{transcript}}\n  Label its tone.\nlabels:\n  tone: [warm, neutral, hostile]\nscale:\n  warmth: [1, 5]\n")),
            new("catalog.yaml", File.ReadAllBytes(Path.Combine(root, "src", "Crosstalk.Models", "Catalog", "Resources", "builtin-models.yaml"))),
        };
        samples.AddRange(Directory.GetFiles(Path.Combine(root, "src", "Crosstalk.Core", "Studies", "Presets"), "*.yaml")
            .Select(f => new Sample("study-" + Path.GetFileName(f), File.ReadAllBytes(f))));
        return [.. samples];
    }

    private sealed record Sample(string Name, byte[] Bytes)
    {
        public override string ToString() => Name;
    }

    /// <summary>A damaged sample; prints what was done to it, so a failing case can be made again.</summary>
    private sealed record Damaged(string Name, byte[] Bytes, string Damages)
    {
        public override string ToString() => $"{Name} ({Bytes.Length} bytes) after {Damages}";
    }

    private sealed record Outcome(int Read, List<string> Refused);
}
