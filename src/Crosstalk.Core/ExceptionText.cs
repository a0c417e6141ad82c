namespace Crosstalk;

/// <summary>What an exception says to a user.</summary>
public static class ExceptionText
{
    /// <summary>
    /// The message without the " (Parameter 'x')" that .NET appends to an <see cref="ArgumentException"/>: the name of a
    /// parameter of ours means nothing to a user.
    /// </summary>
    public static string ForUser(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is ArgumentException { ParamName: { } parameter }
            ? exception.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal)
            : exception.Message;
    }
}
