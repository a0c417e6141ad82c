using System.Text;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Transcripts;

/// <summary>File names made of display names fit what file systems and HTTP headers take, whatever the names hold.</summary>
public sealed class FileNamesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("crosstalk-file-names-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("中", 200)]
    [InlineData("a", 100_000)]
    [InlineData("🌀", 150)]
    public void NamesThatPassTheLengthCheck_GiveAFileNameThatCanBeWritten(string repeated, int count)
    {
        // 200 CJK characters are 600 bytes: the run's files could never be written, and every resume failed the same way.
        var name = string.Concat(Enumerable.Repeat(repeated, count));
        var stem = FileNames.Unused(_folder, FileNames.Stem(name, name, DateTimeOffset.UnixEpoch) + "_run1000000");

        File.WriteAllText(Path.Combine(_folder, stem + ".json"), "{}");

        Assert.True(Encoding.UTF8.GetByteCount(stem + ".json") <= 255);
        Assert.StartsWith(name[..4], stem, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(FileNames.Participants([name, name, name, name])) <= 192);
    }

    [Fact]
    public void ShortNames_AreKeptWhole()
    {
        Assert.Equal("Kimi K2_vs_grok-4_20251026_130838", FileNames.Stem("Kimi K2", "grok-4", new DateTimeOffset(2025, 10, 26, 13, 8, 38, TimeSpan.Zero)));
        Assert.Equal("Kimi K2_vs_4o_vs_Claude", FileNames.Participants(["Kimi K2", "4o", "Claude"]));
    }
}
