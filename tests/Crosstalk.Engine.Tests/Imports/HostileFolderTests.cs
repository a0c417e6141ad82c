using System.Diagnostics;
using Crosstalk.Engine.Exports;
using Crosstalk.Engine.Imports;
using Crosstalk.Engine.Tests.Exports;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Tests.Imports;

/// <summary>
/// Folders as users have them, not as we write them: links back up, a named pipe left among the files, two files of one
/// name, a Markdown file beside a JSON one that holds another conversation, a damaged Parquet export. Each is walked,
/// read or refused in one line; none hangs, crashes or is left out without a word.
/// </summary>
public sealed class HostileFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("crosstalk-hostile-folder-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Collect_LinksBackUpAndNamedPipes_AreNotFollowedNorWaitedOn()
    {
        var seed = Path.Combine(_folder, "a.md");
        File.Copy(SharedFiles.Seed000, seed);
        Directory.CreateDirectory(Path.Combine(_folder, "s1"));
        Directory.CreateDirectory(Path.Combine(_folder, "s2"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "s1", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(_folder, "s2", "up"), "..");
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(_folder, "stray.md")))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var files = HangGuard.Run(() => TranscriptSources.Collect(_folder), "walking a folder with links back up and a named pipe");

        Assert.Equal([seed], files);
    }

    [Fact]
    public async Task ATranscriptWithANameNoStoreIndexes_IsRefusedInOneLine_ItsNeighboursRead()
    {
        // A 3,000-character speaker stopped a whole PostgreSQL import (index entries hold at most 2,704 bytes) and left
        // every good file of the batch unstored; a JSONL corpus's line is named.
        File.Copy(SharedFiles.Seed000, Path.Combine(_folder, "good.md"));
        File.WriteAllText(Path.Combine(_folder, "long.md"), File.ReadAllText(SharedFiles.Seed000).Replace("Kimi K2", new string('K', 3000), StringComparison.Ordinal));
        File.WriteAllText(
            Path.Combine(_folder, "corpus.jsonl"),
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}\n"
            + "{\"messages\":[{\"role\":\"user\",\"name\":\"" + new string('u', 201) + "\",\"content\":\"hi\"}]}\n");

        var (read, skipped) = await ReadAsync(_folder);

        Assert.Equal(["corpus.jsonl", "good.md"], read.Select(r => Path.GetFileName(r.File)).Order(StringComparer.Ordinal));
        Assert.Equal(2, skipped.Count);
        Assert.Contains(skipped, s => s.StartsWith(Path.Combine(_folder, "corpus.jsonl") + " (line 2): seat 1's name is 201 characters long", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.StartsWith(Path.Combine(_folder, "long.md") + ": seat 1's name is 3,000 characters long", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MarkdownBesideJson_OfTheSameConversation_IsReadOnce_OfAnotherBoth()
    {
        var seed = SeedMarkdown.ReadFile(SharedFiles.Seed000);
        TranscriptJson.WriteFile(seed, Path.Combine(_folder, "same.json"));
        SeedMarkdown.WriteFile(seed, Path.Combine(_folder, "same.md"));
        TranscriptJson.WriteFile(seed, Path.Combine(_folder, "other.json"));
        File.Copy(SharedFiles.Seed001, Path.Combine(_folder, "other.md"));

        var (read, skipped) = await ReadAsync(_folder);

        Assert.Empty(skipped);
        Assert.Equal(["other.json", "other.md", "same.json"], read.Select(r => Path.GetFileName(r.File)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task UniversalBackroomsLogsOfOneName_InTwoFolders_EachGetTheirOwnMetadata()
    {
        foreach (var (folder, model) in new[] { ("a", "opus"), ("b", "k2") })
        {
            Directory.CreateDirectory(Path.Combine(_folder, folder));
            File.WriteAllText(Path.Combine(_folder, folder, "run.txt"), "### Round 1/2\n\n### Claude 1 ###\nhello\n\n### Claude 2 ###\nhi\n");
        }

        File.WriteAllText(Path.Combine(_folder, "meta.jsonl"), """
            {"log_file": "var/backrooms_logs/a/run.txt", "models": ["opus", "opus"], "exit_reason": "max_turns"}
            {"log_file": "var/backrooms_logs/b/run.txt", "models": ["k2", "k2"], "exit_reason": "early_stop"}

            """);

        var (read, skipped) = await ReadAsync(_folder);

        Assert.Empty(skipped);
        Assert.Equal(2, read.Count);
        Assert.Equal("opus", read.Single(r => r.File.EndsWith(Path.Combine("a", "run.txt"), StringComparison.Ordinal)).Transcript.Participants[0].Model);
        Assert.Equal("k2", read.Single(r => r.File.EndsWith(Path.Combine("b", "run.txt"), StringComparison.Ordinal)).Transcript.Participants[0].Model);
    }

    [Fact]
    public async Task DamagedParquetExport_IsRefusedInOneLine_NotACrash()
    {
        await using var fixture = await ExportFixture.CreateAsync();
        var (folder, _, _) = await fixture.ExportAsync(ExportFormats.Parquet);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, "demo.parquet"));

        // The footer's length is in the 4 bytes before the closing "PAR1"; its first bytes are Thrift field headers.
        var footer = bytes.Length - 8 - BitConverter.ToInt32(bytes, bytes.Length - 8);
        foreach (var damage in new[] { (byte)0x0F, (byte)0x00, (byte)0xFF })
        {
            var damaged = (byte[])bytes.Clone();
            damaged[footer + 2] = damage;
            var path = Path.Combine(_folder, $"damaged-{damage:X2}.parquet");
            await File.WriteAllBytesAsync(path, damaged);

            var (_, skipped) = await ReadAsync(path);

            var refusal = Assert.Single(skipped);
            Assert.StartsWith($"{path}: ", refusal, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refusal);
        }
    }

    private static async Task<(List<(string File, Transcript Transcript)> Read, List<string> Skipped)> ReadAsync(string path)
    {
        var read = new List<(string, Transcript)>();
        var skipped = new List<string>();
        await foreach (var item in TranscriptSources.ReadAsync(TranscriptSources.Collect(path), skipped.Add))
        {
            read.Add(item);
        }

        return (read, skipped);
    }
}
