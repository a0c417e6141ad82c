namespace Crosstalk.Transcripts.Formats.Foreign;

/// <summary>
/// The one guard around the readers of other tools' formats: a file that is JSON (or HTML, or Markdown) but not laid out
/// as its format says — a list where an object belongs, a missing key, a number out of range — is rejected with one line
/// naming the file (and line), like every other bad file, never a crash.
/// </summary>
public static class ForeignLayout
{
    /// <summary>Runs <paramref name="read"/>, turning a layout error into a <see cref="TranscriptFormatException"/>.</summary>
    public static T Read<T>(string? path, int? line, string format, Func<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            throw new TranscriptFormatException(path, line, $"the file is not laid out as {format} writes it ({ex.Message.TrimEnd('.')})", ex);
        }
    }
}
