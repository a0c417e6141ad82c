namespace Crosstalk.Cli;

/// <summary>A mistake the user can fix (bad file, bad option value). Printed as one line; exit code 1.</summary>
internal sealed class UserException : Exception
{
    public UserException()
    {
    }

    public UserException(string message)
        : base(message)
    {
    }

    public UserException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
