namespace Crosstalk.Engine;

/// <summary>
/// A conversation or run cannot be planned or continued as asked: a plan stored by a newer version, a fork point past
/// the end, a model that cannot be used. The message is one sentence for a user.
/// </summary>
public sealed class PlanException : Exception
{
    public PlanException()
    {
    }

    public PlanException(string message)
        : base(message)
    {
    }

    public PlanException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
