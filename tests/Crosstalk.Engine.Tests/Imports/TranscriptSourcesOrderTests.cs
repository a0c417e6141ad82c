using System.Globalization;
using Crosstalk.Engine.Imports;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Tests.Imports;

/// <summary>
/// Files are parsed several at once, but what a folder holds comes out as if read one file at a time: conversations in
/// the files' order (an import's ids follow it), and each refused file reported in its place.
/// </summary>
public sealed class TranscriptSourcesOrderTests
{
    [Fact]
    public async Task Folder_OfLargeSmallAndBrokenFiles_IsReadInTheFilesOrder_RefusalsInTheirPlace()
    {
        var folder = Directory.CreateTempSubdirectory("crosstalk-order-").FullName;
        try
        {
            var expected = new List<string>();
            var refused = new List<string>();
            for (var i = 0; i < 60; i++)
            {
                var name = Path.Combine(folder, i.ToString("D3", CultureInfo.InvariantCulture) + ".md");
                if (i % 5 == 3)
                {
                    await File.WriteAllTextAsync(name, "# Not a transcript\n\nJust notes.\n");
                    refused.Add(name);
                    continue;
                }

                // Sizes that differ a hundredfold, so that a small file after a large one is parsed first.
                var transcript = new Transcript
                {
                    Title = "A ↔ B",
                    Participants = [new Participant(1, "A", "offline:eliza"), new Participant(2, "B", "offline:markov")],
                };
                var messages = i % 7 == 0 ? 400 : 4;
                for (var m = 0; m < messages; m++)
                {
                    transcript.Messages.Add(new TranscriptMessage { Seat = m % 2 + 1, Speaker = m % 2 == 0 ? "A" : "B", Content = $"File {i}, message {m}: " + new string('x', 200) });
                }

                await File.WriteAllTextAsync(name, SeedMarkdown.Write(transcript));
                expected.Add(name);
            }

            var read = new List<string>();
            var skipped = new List<string>();
            await foreach (var (file, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), skipped.Add))
            {
                read.Add(file);
                Assert.StartsWith($"File {int.Parse(Path.GetFileNameWithoutExtension(file), CultureInfo.InvariantCulture)}, ", transcript.Messages[0].Content, StringComparison.Ordinal);
            }

            Assert.Equal(expected, read);
            Assert.Equal(refused.Count, skipped.Count);
            Assert.All(refused.Zip(skipped), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
