namespace Crosstalk.Models.Offline;

/// <summary>Settings of <see cref="MarkovChatClient"/>.</summary>
public sealed class MarkovOptions
{
    /// <summary>The seed; with the same seed and the same conversation, the same reply. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>The most words in one reply (at least 1). Default 60.</summary>
    public int MaxWords { get; set; } = 60;

    /// <summary>
    /// A folder of <c>.md</c>/<c>.txt</c> transcripts (searched recursively) to train on instead of the bundled
    /// small-talk corpus; every message's content is used.
    /// </summary>
    public string? CorpusDirectory { get; set; }

    /// <summary>
    /// Reads the message contents of one transcript file. Null (the default) uses a simple splitter of the
    /// seed format; the application wires the real transcript reader here.
    /// </summary>
    public Func<string, IEnumerable<string>>? ReadMessages { get; set; }
}
