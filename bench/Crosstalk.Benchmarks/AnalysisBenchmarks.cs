using System.Text;
using BenchmarkDotNet.Attributes;
using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Benchmarks;

/// <summary>
/// Analysis throughput over the two seed transcripts repeated <see cref="Copies"/> times (about 2.3 MB in all):
/// parse + analyse single-threaded and in parallel, analysis alone, and the seed parser against Markdig's
/// parser on the same text. MB/s = <see cref="Megabytes"/> / mean time.
/// </summary>
[MemoryDiagnoser]
public class AnalysisBenchmarks
{
    private const int Copies = 50;

    private string[] _texts = [];
    private Transcript[] _transcripts = [];

    /// <summary>The UTF-8 size of all texts, in MB (10^6 bytes).</summary>
    public double Megabytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var seeds = new[] { File.ReadAllText(SharedFiles.Seed000), File.ReadAllText(SharedFiles.Seed001) };
        _texts = [.. Enumerable.Range(0, Copies).SelectMany(_ => seeds)];
        _transcripts = [.. _texts.Select(t => SeedMarkdown.Read(t))];
        Megabytes = _texts.Sum(t => (double)Encoding.UTF8.GetByteCount(t)) / 1_000_000;
        Console.WriteLine($"// Analysis corpus: {_texts.Length} transcripts, {Megabytes:0.000} MB");
        TranscriptAnalyzer.Analyze(_transcripts[0]); // loads the word list once, outside the measurements
    }

    [Benchmark(Description = "parse + analyse, 1 thread")]
    public int ParseAndAnalyzeSingleThreaded()
    {
        var messages = 0;
        foreach (var text in _texts)
        {
            messages += TranscriptAnalyzer.Analyze(SeedMarkdown.Read(text)).Messages;
        }

        return messages;
    }

    [Benchmark(Description = "parse + analyse, Parallel.ForEach")]
    public int ParseAndAnalyzeParallel()
    {
        var messages = 0;
        Parallel.ForEach(_texts, text => Interlocked.Add(ref messages, TranscriptAnalyzer.Analyze(SeedMarkdown.Read(text)).Messages));
        return messages;
    }

    [Benchmark(Description = "analyse only, 1 thread")]
    public int AnalyzeOnly()
    {
        var messages = 0;
        foreach (var transcript in _transcripts)
        {
            messages += TranscriptAnalyzer.Analyze(transcript).Messages;
        }

        return messages;
    }

    [Benchmark(Description = "corpus aggregate, 1 thread")]
    public int Corpus() => CorpusAnalyzer.Analyze(_transcripts).Conversations;

    [Benchmark(Description = "seed parser (SeedMarkdown.Read)")]
    public int ParseSeedMarkdown()
    {
        var messages = 0;
        foreach (var text in _texts)
        {
            messages += SeedMarkdown.Read(text).Messages.Count;
        }

        return messages;
    }

    [Benchmark(Description = "Markdig.Markdown.Parse")]
    public int ParseMarkdig()
    {
        var blocks = 0;
        foreach (var text in _texts)
        {
            blocks += Markdig.Markdown.Parse(text).Count;
        }

        return blocks;
    }
}
