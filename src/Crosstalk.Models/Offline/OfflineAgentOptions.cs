using Crosstalk.Transcripts;

namespace Crosstalk.Models.Offline;

/// <summary>Settings shared by the offline agents <see cref="OfflineAgents.TryCreate"/> builds.</summary>
public sealed class OfflineAgentOptions
{
    /// <summary>The seed (<c>--seed</c>); the agents are deterministic for a given seed. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>A folder of transcripts for <c>offline:markov</c> to learn from (<c>--corpus</c>); null uses the bundled corpus.</summary>
    public string? CorpusDirectory { get; set; }

    /// <summary>
    /// Reads a transcript file. Required for <c>replay:</c>; when set, <c>offline:markov</c> also uses it to read
    /// its corpus directory.
    /// </summary>
    public Func<string, Transcript>? LoadTranscript { get; set; }

    /// <summary>How long each streamed word waits, so a terminal shows text arriving live. Default zero.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>The clock <see cref="TokenDelay"/> waits on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
