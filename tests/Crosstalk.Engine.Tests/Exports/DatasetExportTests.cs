using System.Globalization;
using Crosstalk.Engine.Exports;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using DuckDB.NET.Data;
using YamlDotNet.RepresentationModel;

namespace Crosstalk.Engine.Tests.Exports;

/// <summary>
/// Parquet and Hugging Face exports read back by a second, independent implementation: DuckDB (through DuckDB.NET)
/// finds every row, every provenance column and every message the store holds.
/// </summary>
public sealed class DatasetExportTests
{
    [Fact]
    public async Task Parquet_ReadByDuckDb_HasEveryConversationWithItsProvenance()
    {
        await using var fixture = await ExportFixture.CreateAsync();
        var (folder, result, _) = await fixture.ExportAsync(ExportFormats.Parquet);
        var file = Path.Combine(folder, "demo.parquet");
        Assert.Equal(["demo.parquet"], result.Files);
        Assert.Equal(10, result.Conversations);

        using var duck = Open();
        var rows = Query(duck, $"""
            SELECT conversation_id, run_id, source, model_a, model_b, seed, opener, stop_policy, stop_reason, message_count,
                   input_tokens, output_tokens, CAST(cost AS VARCHAR), goodbye_loop, first_end_message, len(messages),
                   [s.temperature FOR s IN seats IF s.model = 'offline:eliza'][1], [s.max_tokens FOR s IN seats IF s.model = 'offline:eliza'][1], seats[2].blank_message, seats[1].system_prompt,
                   len(judges), experiment, len(messages[2].attempts)
            FROM read_parquet('{file}') ORDER BY conversation_id
            """);
        Assert.Equal(10, rows.Count);
        foreach (var row in rows)
        {
            var id = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
            var transcript = (await fixture.Store.GetTranscriptAsync(id))!;
            var plan = await fixture.Engine.GetPlanAsync(id);
            Assert.Equal(id == fixture.Single ? null : id == fixture.Imported ? await ImportRunAsync(fixture) : fixture.RunId, row[1]);
            Assert.Equal(transcript.Participants[0].Model, row[3]);
            Assert.Equal(transcript.Participants[1].Model, row[4]);
            Assert.Equal(plan?.Seed, row[5] is null ? null : Convert.ToInt32(row[5], CultureInfo.InvariantCulture));
            Assert.Equal(plan?.Opener, row[6]);
            Assert.Equal(plan?.StopPolicy, row[7]);
            Assert.Equal(transcript.Stop?.Reason, row[8]);
            Assert.Equal(transcript.Messages.Count, Convert.ToInt32(row[9], CultureInfo.InvariantCulture));
            Assert.Equal(transcript.Messages.Count, Convert.ToInt32(row[15], CultureInfo.InvariantCulture));
            Assert.Equal(transcript.Messages.Sum(m => m.Usage?.InputTokens ?? 0), Convert.ToInt64(row[10], CultureInfo.InvariantCulture));
            Assert.Equal(transcript.Messages.Sum(m => m.Usage?.OutputTokens ?? 0), Convert.ToInt64(row[11], CultureInfo.InvariantCulture));
            Assert.Equal(transcript.Participants[0].SystemPrompt, row[19]);
        }

        var batch = rows.Where(r => r[1] is string run && run == fixture.RunId).ToList();
        Assert.Equal(8, batch.Count);
        Assert.All(batch, r => Assert.Equal(0.7f, Convert.ToSingle(r[16], CultureInfo.InvariantCulture), 3));
        Assert.All(batch, r => Assert.Equal(300, Convert.ToInt32(r[17], CultureInfo.InvariantCulture)));
        Assert.All(batch, r => Assert.Equal("demo", r[21]));
        Assert.Equal(1, batch.Count(r => Convert.ToInt32(r[20], CultureInfo.InvariantCulture) == 1));
        Assert.Equal(new HashSet<object?> { " ", "Hello." }, batch.Select(r => r[6]).ToHashSet());

        var single = rows.Single(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture) == fixture.Single);
        Assert.Null(single[1]);
        Assert.Equal("0.000231300000000000", single[12]);
        Assert.Equal("(silence)", single[18]);
        Assert.Equal(3, Convert.ToInt32(single[14], CultureInfo.InvariantCulture));
        Assert.Equal(1, Convert.ToInt32(single[22], CultureInfo.InvariantCulture));

        var seed = rows.Single(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture) == fixture.Imported);
        Assert.Equal("001_56cfc8f72ca96c78.txt", seed[2]);
        Assert.Equal(97, Convert.ToInt32(seed[9], CultureInfo.InvariantCulture));
        Assert.True((bool)seed[13]!);
        Assert.Null(seed[5]);

        // Every message, in order, word for word.
        var messages = Query(duck, $"SELECT conversation_id, m.seat, m.content FROM (SELECT conversation_id, unnest(messages) AS m FROM read_parquet('{file}')) ORDER BY conversation_id");
        Assert.Equal(rows.Sum(r => Convert.ToInt32(r[15], CultureInfo.InvariantCulture)), messages.Count);
        foreach (var group in messages.GroupBy(m => Convert.ToInt64(m[0], CultureInfo.InvariantCulture)))
        {
            var transcript = (await fixture.Store.GetTranscriptAsync(group.Key))!;
            Assert.Equal(transcript.Messages.Select(m => (m.Seat, m.Content)), group.Select(m => (Convert.ToInt32(m[1], CultureInfo.InvariantCulture), (string)m[2]!)));
        }
    }

    [Fact]
    public async Task HuggingFace_CardParsesAndNamesEveryColumn_SplitsAreCountedAndStable()
    {
        await using var fixture = await ExportFixture.CreateAsync();
        var splits = DatasetSplits.Parse("train=0.5,test=0.5", 11);
        var (folder, result, _) = await fixture.ExportAsync(ExportFormats.HuggingFace, splits: splits);
        Assert.Equal(["data/train-00000-of-00001.parquet", "data/test-00000-of-00001.parquet", "README.md"], result.Files);

        var card = await File.ReadAllTextAsync(Path.Combine(folder, "README.md"));
        Assert.StartsWith("---\n", card, StringComparison.Ordinal);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(card[4..card.IndexOf("\n---\n", 4, StringComparison.Ordinal)]));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var info = (YamlMappingNode)root["dataset_info"];
        var features = ((YamlSequenceNode)info["features"]).Cast<YamlMappingNode>().ToList();

        using var duck = Open();
        var train = Path.Combine(folder, "data", "train-00000-of-00001.parquet");
        var test = Path.Combine(folder, "data", "test-00000-of-00001.parquet");
        var columns = Query(duck, $"DESCRIBE SELECT * FROM read_parquet('{train}')").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
        Assert.Equal(columns.Select(c => c.Item1), features.Select(f => ((YamlScalarNode)f["name"]).Value));
        var messages = (YamlSequenceNode)features.Single(f => ((YamlScalarNode)f["name"]).Value == "messages")["list"];
        foreach (var field in messages.Cast<YamlMappingNode>().Select(f => ((YamlScalarNode)f["name"]).Value!))
        {
            Assert.Matches($"[(,] ?\"?{field}\"? ", columns.Single(c => c.Item1 == "messages").Item2);
        }

        Assert.Equal("n<1K", ((YamlScalarNode)((YamlSequenceNode)root["size_categories"])[0]).Value);
        var counted = ((YamlSequenceNode)info["splits"]).Cast<YamlMappingNode>()
            .ToDictionary(s => ((YamlScalarNode)s["name"]).Value!, s => int.Parse(((YamlScalarNode)s["num_examples"]).Value!, CultureInfo.InvariantCulture));
        var inTrain = Query(duck, $"SELECT conversation_id FROM read_parquet('{train}')").Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToHashSet();
        var inTest = Query(duck, $"SELECT conversation_id FROM read_parquet('{test}')").Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Equal(counted["train"], inTrain.Count);
        Assert.Equal(counted["test"], inTest.Count);
        Assert.Equal(10, inTrain.Count + inTest.Count);
        Assert.NotEmpty(inTrain);
        Assert.NotEmpty(inTest);

        var configs = (YamlMappingNode)((YamlSequenceNode)root["configs"])[0];
        Assert.Equal(["data/train-*", "data/test-*"], ((YamlSequenceNode)configs["data_files"]).Cast<YamlMappingNode>().Select(d => ((YamlScalarNode)d["path"]).Value));
        Assert.Contains("`offline:eliza`", card, StringComparison.Ordinal);
        Assert.Contains("`openrouter:moonshotai/kimi-k2-0905`", card, StringComparison.Ordinal);
        Assert.Contains("end-token:any | max-messages:8", card, StringComparison.Ordinal);
        Assert.Contains("`Hello.`", card, StringComparison.Ordinal);
        Assert.Contains("Be brief.", card, StringComparison.Ordinal);

        // A conversation's part does not depend on what else is exported: the run alone splits the same way.
        var (alone, _, _) = await fixture.ExportAsync(ExportFormats.HuggingFace, splits: splits, runs: [fixture.RunId]);
        var aloneTrain = Query(duck, $"SELECT conversation_id FROM read_parquet('{Path.Combine(alone, "data", "train-00000-of-00001.parquet")}')").Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture));
        Assert.All(aloneTrain, id => Assert.Contains(id, inTrain));
    }

    [Fact]
    public async Task Filters_StopReasonGoodbyeLoopJudgeLabelAndMessageCounts_SelectWhatTheySay()
    {
        await using var fixture = await ExportFixture.CreateAsync();

        var stored = new List<Transcript>();
        await foreach (var t in fixture.Store.ReadTranscriptsAsync(ConversationQuery.All))
        {
            stored.Add(t);
        }

        var (_, byReason, _) = await fixture.ExportAsync(ExportFormats.Jsonl, new ExportFilter { StopReason = StopReasons.EndToken });
        Assert.Equal(stored.Count(t => t.Stop?.Reason == StopReasons.EndToken), byReason.Conversations);
        Assert.InRange(byReason.Conversations, 1, 9);

        var loops = stored.Count(t => Crosstalk.Analysis.TranscriptAnalyzer.Analyze(t).GoodbyeLoop is not null);
        Assert.InRange(loops, 1, 9);
        var (_, noLoop, exporter) = await fixture.ExportAsync(ExportFormats.Json, new ExportFilter { NoGoodbyeLoop = true });
        Assert.Equal(10 - loops, noLoop.Conversations);
        Assert.Equal(loops, exporter.FilteredOut);

        var (judgedFolder, judged, _) = await fixture.ExportAsync(ExportFormats.Json, new ExportFilter { Judges = [JudgeFilter.Parse("topic-label.topic=Philosophy")] });
        Assert.Equal(1, judged.Conversations);
        var read = Crosstalk.Transcripts.Formats.TranscriptFile.Read(Path.Combine(judgedFolder, judged.Files[0]));
        Assert.Equal(fixture.Judged.ToString(CultureInfo.InvariantCulture), read.Metadata[Provenance.Conversation]);
        var (_, none, _) = await fixture.ExportAsync(ExportFormats.Json, new ExportFilter { Judges = [JudgeFilter.Parse("topic-label.topic=cooking")] });
        Assert.Equal(0, none.Conversations);

        var (_, long_, _) = await fixture.ExportAsync(ExportFormats.Json, new ExportFilter { MinMessages = 9 });
        Assert.Equal(1, long_.Conversations);
        var (_, byModel, _) = await fixture.ExportAsync(ExportFormats.Json, new ExportFilter { Model = "gpt-4o" }, ids: [fixture.Single, fixture.Imported]);
        Assert.Equal(1, byModel.Conversations);
    }

    [Fact]
    public async Task Duplicates_ExactAndNear_RemoveRepeatsOnly()
    {
        await using var fixture = await ExportFixture.CreateAsync();
        // The same experiment again, with the same seed: eight conversations word for word the same as the first run's.
        var (run, planned) = ConversationPlanner.PlanRun(Crosstalk.Experiments.ExperimentFile.Parse(ExportFixture.Experiment, "demo.yaml"), fixture.Engine.Models, fixture.Engine.Time.GetLocalNow(), null);
        var again = await fixture.Engine.CreateRunAsync(run, planned);
        await fixture.Engine.Runs.RunAsync(again);
        // And the seed with one word changed in one message: a near copy, not an exact one.
        var seed = (await fixture.Store.GetTranscriptAsync(fixture.Imported))!;
        var changed = seed.Messages[40];
        seed.Messages[40] = new TranscriptMessage { Seat = changed.Seat, Speaker = changed.Speaker, Content = changed.Content + " Indeed." };
        seed.Metadata.Clear();
        await fixture.Store.CreateConversationAsync(null, seed, null);

        var (_, all, _) = await fixture.ExportAsync(ExportFormats.Jsonl);
        Assert.Equal(19, all.Conversations);
        var (_, exact, exactExporter) = await fixture.ExportAsync(ExportFormats.Jsonl, new ExportFilter { Duplicates = DuplicateRemoval.Exact });
        Assert.Equal(11, exact.Conversations);
        Assert.Equal(8, exactExporter.Duplicates);
        var (_, near, nearExporter) = await fixture.ExportAsync(ExportFormats.Jsonl, new ExportFilter { Duplicates = DuplicateRemoval.Near });
        Assert.Equal(10, near.Conversations);
        Assert.Equal(9, nearExporter.Duplicates);
    }

    [Fact]
    public async Task FilesPerConversation_TwoRunsOfOneExperiment_EveryConversationKeepsItsFile()
    {
        await using var fixture = await ExportFixture.CreateAsync();
        var (run, planned) = ConversationPlanner.PlanRun(Crosstalk.Experiments.ExperimentFile.Parse(ExportFixture.Experiment, "demo.yaml"), fixture.Engine.Models, fixture.Engine.Time.GetLocalNow(), null);
        var again = await fixture.Engine.CreateRunAsync(run, planned);
        await fixture.Engine.Runs.RunAsync(again);

        var (folder, result, _) = await fixture.ExportAsync(ExportFormats.Json, runs: [fixture.RunId, again]);

        Assert.Equal(16, result.Conversations);
        Assert.Equal(16, Directory.GetFiles(folder).Length);
        Assert.Equal(16, result.Files.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task FilesPerConversation_NamesThatMeetOnAFallbackName_EachKeepTheirFile()
    {
        // Numbered alike, "A vs B" twice and "A vs B_3": the second A vs B fell back to 0001_A_vs_B_3, the third's own name,
        // and one conversation was written over with success reported.
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        foreach (var (b, text) in new[] { ("B", "this is X1"), ("B_3", "this is Y"), ("B", "this is X2") })
        {
            var transcript = new Transcript { Participants = [new Participant(1, "A"), new Participant(2, b)] };
            transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = text });
            transcript.Metadata[Crosstalk.Engine.Plans.PlanMetadataKeys.Number] = "1";
            await store.CreateConversationAsync(null, transcript, null);
        }

        var (folder, result, _) = await ExportFixture.ExportAsync(store, ExportFormats.Json);

        Assert.Equal(3, result.Files.Count);
        Assert.Equal(
            ["this is X1", "this is X2", "this is Y"],
            Directory.GetFiles(folder).Select(f => Crosstalk.Transcripts.Formats.TranscriptFile.Read(f).Messages[0].Content).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ImportedProvenanceThisVersionCannotRead_IsExportedAsItCame_NotAStopForTheWholeStore()
    {
        // An 'origin.plan' that is not a plan (another tool's file, edited by hand) stopped every export of the store, and
        // Parquet dropped every other 'origin.' key ('origin.note').
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var transcript = new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B")] };
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "hello" });
        transcript.Metadata[Provenance.Conversation] = "9";
        transcript.Metadata[Provenance.Plan] = "not a plan";
        transcript.Metadata["origin.note"] = "kept?";
        await new Crosstalk.Engine.Imports.TranscriptImporter(store).AddAsync(transcript, "in.json", "import", "in");

        foreach (var format in new[] { ExportFormats.Json, ExportFormats.Parquet })
        {
            var (folder, result, _) = await ExportFixture.ExportAsync(store, format);

            Assert.Equal(1, result.Conversations);
            var read = Assert.Single(Crosstalk.Engine.Imports.TranscriptSources.ReadOne(Path.Combine(folder, result.Files[0])));
            Assert.Equal("not a plan", read.Metadata[Provenance.Plan]);
            Assert.Equal("kept?", read.Metadata["origin.note"]);
        }
    }

    [Fact]
    public async Task ExactDuplicates_AMessageHoldingSeparatorCharacters_IsNotTakenForTwoMessages()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var one = new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B")] };
        one.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "hello\u001e2\u001fworld" });
        var two = new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B")] };
        two.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "hello" });
        two.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "world" });
        await store.CreateConversationAsync(null, one, null);
        await store.CreateConversationAsync(null, two, null);

        var (_, result, exporter) = await ExportFixture.ExportAsync(store, ExportFormats.Jsonl, new ExportFilter { Duplicates = DuplicateRemoval.Exact });

        Assert.Equal(2, result.Conversations);
        Assert.Equal(0, exporter.Duplicates);
    }

    [Fact]
    public async Task NearDuplicates_ConversationsWithoutWords_AreNotTakenForCopiesOfEachOther()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        foreach (var emoji in new[] { "🌀🌀🌀", "✨ ✨", "🕊️" })
        {
            var transcript = new Transcript { Title = "A ↔ B", Participants = [new Participant(1, "A"), new Participant(2, "B")] };
            transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = emoji });
            transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = emoji + emoji });
            await store.CreateConversationAsync(null, transcript, null);
        }

        var (_, result, exporter) = await ExportFixture.ExportAsync(store, ExportFormats.Jsonl, new ExportFilter { Duplicates = DuplicateRemoval.Near });

        Assert.Equal(3, result.Conversations);
        Assert.Equal(0, exporter.Duplicates);
    }

    [Theory]
    [InlineData("train=0.9", "add up to 0.9")]
    [InlineData("train=0.5,train=0.5", "named twice")]
    [InlineData("train=NaN", "is not NAME=SHARE")]
    [InlineData("Train=1", "lower-case")]
    [InlineData("train", "NAME=SHARE")]
    public void Splits_Invalid_SayWhy(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => DatasetSplits.Parse(text, 0));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static async Task<string> ImportRunAsync(ExportFixture fixture)
    {
        await foreach (var summary in fixture.Store.ListConversationsAsync(ConversationQuery.All))
        {
            if (summary.Id == fixture.Imported)
            {
                return summary.RunId!;
            }
        }

        throw new InvalidOperationException("The imported seed is gone.");
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        return connection;
    }

    private static List<object?[]> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
