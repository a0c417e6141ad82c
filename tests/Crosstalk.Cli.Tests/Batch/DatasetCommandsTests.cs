using System.Text.RegularExpressions;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Cli.Tests.Batch;

/// <summary><c>export</c> and <c>import</c> of datasets as a user runs them: whole processes on a real SQLite file.</summary>
public sealed class DatasetCommandsTests
{
    [Fact]
    public async Task Import_NamesSeedMarkdownCannotHold_AreKeptWithAWarning_AndMarkdownExportSkipsThatConversationInOneLine()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "in"));
        await File.WriteAllTextAsync(Path.Combine(dir, "in", "names.json"), """
            {"title": "t", "participants": [{"seat": 1, "name": "A ↔ B"}, {"seat": 2, "name": "line\nbreak"}],
             "messages": [{"seat": 1, "content": "hi"}, {"seat": 2, "content": "yo"}]}
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "in", "plain.json"), """
            {"title": "C ↔ D", "participants": [{"seat": 1, "name": "C"}, {"seat": 2, "name": "D"}],
             "messages": [{"seat": 1, "content": "hello"}, {"seat": 2, "content": "bye"}]}
            """);

        var import = await CrosstalkProcess.RunAsync(dir, "import", "in", "--db", "store.db");
        Assert.True(import.ExitCode == 0, import.StandardError);
        Assert.Contains("seat 1's name 'A ↔ B' is kept, but seed Markdown cannot hold it", import.StandardError, StringComparison.Ordinal);
        Assert.Contains("seat 2's name 'line␊break' is kept", import.StandardError, StringComparison.Ordinal);

        // The conversation Markdown cannot hold is said in one line; the others are written (the export stopped at it).
        var markdown = await CrosstalkProcess.RunAsync(dir, "export", "store", "--to", "markdown", "-o", "md", "--db", "store.db");
        Assert.True(markdown.ExitCode == 0, markdown.StandardError);
        Assert.Equal(
            "skipped: conversation 1 cannot be written as seed Markdown: the participant name 'A ↔ B' will not read back (a name must not contain \" ↔ \", which separates the names in a transcript's title); write it as JSON, which keeps it as it is",
            markdown.StandardError.Trim());
        Assert.Contains("Exported 1 conversation(s)", markdown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 the format cannot hold, skipped", markdown.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(["hello", "bye"], TranscriptFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "md")))).Messages.Select(m => m.Content));

        var json = await CrosstalkProcess.RunAsync(dir, "export", "store", "--to", "json", "-o", "js", "--db", "store.db");
        Assert.True(json.ExitCode == 0, json.StandardError);
        Assert.Equal("line\nbreak", TranscriptFile.Read(Directory.GetFiles(Path.Combine(dir, "js")).Order(StringComparer.Ordinal).First()).Participants[1].Name);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Export_ASingleRunConversationAndTheWholeStore_AsParquetAndADatasetFolder_ThenImportBack(string kind)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var store = await TestDatabases.CreateAsync(kind, dir);
        var other = kind == "sqlite" ? Path.Combine(dir, "other.db") : await TestDatabases.CreateAsync(kind, dir);
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--max-messages", "6", "--quiet", "--db", store);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "name: small\nmodels: [offline:eliza, offline:markov]\nrepetitions: 3\nstop: { max_messages: 6 }\n");
        var batch = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--db", store, "--quiet");
        Assert.True(batch.ExitCode == 0, batch.StandardError);

        // The conversation of 'crosstalk run' belongs to no run: it is exported by its id.
        var one = await CrosstalkProcess.RunAsync(dir, "export", "1", "--to", "json", "-o", "one", "--db", store);
        Assert.True(one.ExitCode == 0, one.StandardError);
        var single = TranscriptFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "one"))));
        Assert.Equal("1", single.Metadata["origin.conversation"]);
        Assert.False(single.Metadata.ContainsKey("origin.run"));
        Assert.Contains("\"seed\"", single.Metadata["origin.plan"], StringComparison.Ordinal);

        var hf = await CrosstalkProcess.RunAsync(dir, "export", "store", "--to", "hf", "-o", "dataset", "--split", "train=0.5,test=0.5", "--name", "eliza-markov", "--db", store);
        Assert.True(hf.ExitCode == 0, hf.StandardError);
        Assert.Contains("Exported 7 conversation(s)", hf.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "dataset", "README.md")));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "dataset", "data"), "*.parquet").Length);
        Assert.Empty(Directory.GetFiles(dir, "*.partial", SearchOption.AllDirectories));

        // The dataset folder imports back (its card is not mistaken for a transcript), and a second time adds nothing.
        var imported = await CrosstalkProcess.RunAsync(dir, "import", "dataset", "--db", other);
        Assert.True(imported.ExitCode == 0, imported.StandardError);
        Assert.Contains("Imported 7 conversation(s) from 2 file(s)", imported.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("", imported.StandardError);
        var again = await CrosstalkProcess.RunAsync(dir, "import", "dataset", "--db", other);
        Assert.Contains("Nothing new: all 7", again.StandardOutput, StringComparison.Ordinal);

        // And the other store exports the same dataset, byte for byte: rows, provenance, splits and card.
        var second = await CrosstalkProcess.RunAsync(dir, "export", "store", "--to", "hf", "-o", "dataset2", "--split", "train=0.5,test=0.5", "--name", "eliza-markov", "--db", other);
        Assert.True(second.ExitCode == 0, second.StandardError);
        foreach (var file in Directory.GetFiles(Path.Combine(dir, "dataset"), "*", SearchOption.AllDirectories))
        {
            var twin = Path.Combine(dir, "dataset2", Path.GetRelativePath(Path.Combine(dir, "dataset"), file));
            var before = await File.ReadAllBytesAsync(file);
            var after = await File.ReadAllBytesAsync(twin);
            Assert.True(before.SequenceEqual(after), $"{twin} differs");
        }
    }

    [Theory]
    [InlineData(new[] { "export", "r-nope", "--to", "json", "-o", "x" }, 1, "There is no run 'r-nope'")]
    [InlineData(new[] { "export", "99", "--to", "json", "-o", "x" }, 1, "There is no conversation 99")]
    [InlineData(new[] { "export", "store", "--to", "json", "-o", "x", "--split", "train=1" }, 2, "--split applies to --to parquet and --to hf, not json.")]
    [InlineData(new[] { "export", "store", "--to", "hf", "-o", "x", "--split", "train=0.8,test=0.1" }, 2, "--split: the shares add up to 0.9, not 1.")]
    [InlineData(new[] { "export", "store", "--to", "hf", "-o", "x", "--judge", "politeness" }, 2, "--judge: 'politeness' is not RUBRIC.FIELD=VALUE")]
    public async Task Export_BadInput_OneLineNamingTheOptionOrTarget(string[] args, int exitCode, string message)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--max-messages", "4", "--quiet", "--db", "s.db");
        Assert.True(run.ExitCode == 0, run.StandardError);

        var result = await CrosstalkProcess.RunAsync(dir, [.. args, "--db", "s.db"]);

        Assert.Equal(exitCode, result.ExitCode);
        // One line says what is wrong; a mistake on the command line adds where help is.
        var lines = result.StandardError.Trim().Split('\n');
        Assert.Contains(message, lines[0], StringComparison.Ordinal);
        Assert.Equal(exitCode == 2 ? ["See 'crosstalk export --help'."] : [], lines.Skip(1));
        Assert.False(Directory.Exists(Path.Combine(dir, "x")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "x")).Any());
    }

    [Fact]
    public async Task Import_OpenAIChatJsonl_WithABadLine_ReportsTheFileAndLineAndImportsNothingFromIt()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "good.jsonl"), "{\"messages\":[{\"role\":\"system\",\"content\":\"Be kind.\"},{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]}\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "bad.jsonl"), "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}\n{\"messages\":[{\"role\":\"user\"\n");

        var result = await CrosstalkProcess.RunAsync(dir, "import", ".", "--db", "s.db");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Imported 1 conversation(s) from 1 file(s)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"skipped: .*bad\.jsonl:2: .*not valid JSON"), result.StandardError);
    }
}
