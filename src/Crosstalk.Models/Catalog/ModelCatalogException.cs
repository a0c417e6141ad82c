namespace Crosstalk.Models.Catalog;

/// <summary>A catalog file or a model reference a user wrote is wrong; the message is one sentence naming the file or reference,
/// on one line of bounded length whatever the file quoted.</summary>
public sealed class ModelCatalogException : Exception
{
    public ModelCatalogException()
    {
    }

    public ModelCatalogException(string message)
        : base(Crosstalk.Transcripts.ErrorText.OneLine(message))
    {
    }

    public ModelCatalogException(string message, Exception innerException)
        : base(Crosstalk.Transcripts.ErrorText.OneLine(message), innerException)
    {
    }
}
