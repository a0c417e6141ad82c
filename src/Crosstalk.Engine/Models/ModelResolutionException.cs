namespace Crosstalk.Engine.Models;

/// <summary>A model reference that cannot be used: unknown, its key missing, a replay file that cannot be read.</summary>
public sealed class ModelResolutionException : Exception
{
    public ModelResolutionException()
    {
    }

    public ModelResolutionException(string message)
        : base(message)
    {
    }

    public ModelResolutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The reference that could not be resolved.</summary>
    public string? Reference { get; init; }
}
