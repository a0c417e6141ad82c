namespace Crosstalk.Storage;

/// <summary>
/// The store refused an operation a caller can act on: an unknown conversation, a gap or a conflicting message,
/// a database written by a newer Crosstalk, a database that cannot be reached or written. The message is one sentence
/// for a user.
/// </summary>
public sealed class TranscriptStoreException : Exception
{
    public TranscriptStoreException()
    {
    }

    public TranscriptStoreException(string message)
        : base(message)
    {
    }

    public TranscriptStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TranscriptStoreException(string message, Exception? innerException, bool isTransient)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>
    /// Whether the same operation may succeed if tried again later: a connection that was refused or lost, a database
    /// that was busy. A full disk, a file without permission or a conflicting message is not.
    /// </summary>
    public bool IsTransient { get; }
}
