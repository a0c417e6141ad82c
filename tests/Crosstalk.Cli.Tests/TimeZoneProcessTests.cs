using Crosstalk.Testing;

namespace Crosstalk.Cli.Tests;

[Collection(HeavyProcessCollection.Name)]
public sealed class TimeZoneProcessTests
{
    [Theory]
    [InlineData("sqlite", "Europe/Berlin")]
    [InlineData("postgres", "Europe/Berlin")]
    [InlineData("postgres", "Asia/Kolkata")]
    public async Task Seed_ImportedAndExportedAway_FromUtc_IsTheSameFileByteForByte(string kind, string zone)
    {
        // The seed format writes wall-clock times without an offset, read in the machine's zone. A store that kept only
        // the instant (PostgreSQL's timestamptz) gave them back in UTC, so a user east or west of Greenwich exported every
        // time shifted by the zone's offset.
        Assert.NotEqual(TimeSpan.Zero, TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(new DateTime(2025, 10, 26, 13, 8, 38)));
        var dir = CrosstalkProcess.NewTempDirectory();
        var db = await TestDatabases.CreateAsync(kind, dir);
        var environment = new Dictionary<string, string> { ["TZ"] = zone };

        var import = await CrosstalkProcess.RunAsync(dir, environment, "import", SharedFiles.Seed001, "--db", db);
        var export = await CrosstalkProcess.RunAsync(dir, environment, "export", "store", "--to", "markdown", "-o", "out", "--db", db);

        Assert.True(import.ExitCode == 0, import.StandardError);
        Assert.True(export.ExitCode == 0, export.StandardError);
        var written = Assert.Single(Directory.GetFiles(Path.Combine(dir, "out")));
        Assert.Equal(await File.ReadAllTextAsync(SharedFiles.Seed001), await File.ReadAllTextAsync(written));
    }

    [Theory]
    [InlineData("Asia/Tokyo")]
    [InlineData("America/New_York")]
    public async Task Seed_AtTheEdgesOfTime_ReadsAndRoundTripsInEveryZone(string zone)
    {
        // 0001-01-01 00:00 in Tokyo is before any instant there is (and 9999-12-31 23:59 in New York after): read in the
        // machine's zone, it was an ArgumentOutOfRangeException, exit 70, on one machine and a fine file on another.
        var dir = CrosstalkProcess.NewTempDirectory();
        var transcript = new Crosstalk.Transcripts.Transcript
        {
            Title = "A ↔ B",
            Started = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Ended = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero),
            Participants = [new Crosstalk.Transcripts.Participant(1, "A", "offline:eliza"), new Crosstalk.Transcripts.Participant(2, "B", "offline:markov")],
        };
        transcript.Messages.Add(new Crosstalk.Transcripts.TranscriptMessage { Seat = 1, Speaker = "A", Content = "Hello." });
        var seed = Crosstalk.Transcripts.Formats.SeedMarkdown.Write(transcript);
        await File.WriteAllTextAsync(Path.Combine(dir, "edge.md"), seed);
        var environment = new Dictionary<string, string> { ["TZ"] = zone };

        var show = await CrosstalkProcess.RunAsync(dir, environment, "show", "edge.md");
        var toJson = await CrosstalkProcess.RunAsync(dir, environment, "convert", "edge.md", "--to", "json", "-o", "edge.json");
        var back = await CrosstalkProcess.RunAsync(dir, environment, "convert", "edge.json", "--to", "markdown", "-o", "back.md");

        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.True(toJson.ExitCode == 0, toJson.StandardError);
        Assert.True(back.ExitCode == 0, back.StandardError);
        Assert.Contains("**Started:** 0001-01-01 00:00:00", seed, StringComparison.Ordinal);
        Assert.Equal(seed, await File.ReadAllTextAsync(Path.Combine(dir, "back.md")));
    }
}
