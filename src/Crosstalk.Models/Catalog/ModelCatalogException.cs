namespace Crosstalk.Models.Catalog;

/// <summary>A catalog file or a model reference a user wrote is wrong; the message is one sentence naming the file or reference.</summary>
public sealed class ModelCatalogException : Exception
{
    public ModelCatalogException()
    {
    }

    public ModelCatalogException(string message)
        : base(message)
    {
    }

    public ModelCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
