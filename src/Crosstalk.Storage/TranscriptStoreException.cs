namespace Crosstalk.Storage;

/// <summary>
/// The store refused an operation a caller can act on: an unknown conversation, a gap or a conflicting message,
/// a database written by a newer Crosstalk. The message is one sentence for a user.
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
}
