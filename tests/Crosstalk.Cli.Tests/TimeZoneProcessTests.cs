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
}
