namespace Crosstalk.Experiments;

/// <summary>An experiment file that cannot be used; the message names the file, line and column.</summary>
public sealed class ExperimentFileException : Exception
{
    public ExperimentFileException()
    {
    }

    public ExperimentFileException(string message)
        : base(message)
    {
    }

    public ExperimentFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExperimentFileException(string path, long? line, long? column, string problem, Exception? innerException = null)
        : base((line is null ? $"{path}: " : column is null ? $"{path}:{line}: " : $"{path}:{line}:{column}: ") + Crosstalk.Transcripts.ErrorText.OneLine(problem), innerException)
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line, when known.</summary>
    public long? Line { get; }

    /// <summary>1-based column, when known.</summary>
    public long? Column { get; }
}
