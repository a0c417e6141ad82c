namespace Crosstalk.Transcripts;

/// <summary>
/// A file could not be read as a transcript. The message is one sentence a user can act on, and names
/// the file and line where that is known.
/// </summary>
public sealed class TranscriptFormatException : Exception
{
    public TranscriptFormatException()
    {
    }

    public TranscriptFormatException(string message)
        : base(message)
    {
    }

    public TranscriptFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TranscriptFormatException(string? path, int? line, string problem, Exception? innerException = null)
        : base(Describe(path, line, problem), innerException)
    {
        Path = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file, if known.</summary>
    public string? Path { get; }

    /// <summary>The 1-based line, if known.</summary>
    public int? Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string? Problem { get; }

    private static string Describe(string? path, int? line, string problem)
    {
        var location = (path, line) switch
        {
            (null, null) => "",
            (null, { } l) => $"line {l}: ",
            ({ } p, null) => $"{p}: ",
            ({ } p, { } l) => $"{p}:{l}: ",
        };
        return location + ErrorText.OneLine(problem);
    }

}
