namespace Crosstalk.Cli;

/// <summary>
/// A mistake on the command line that only the command itself can see (an option value that parses but does not fit:
/// an unknown guard, a fork point past the end). Printed as one line with the command's help hint; exit code 2, like
/// the mistakes the parser catches.
/// </summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
