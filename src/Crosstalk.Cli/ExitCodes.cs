namespace Crosstalk.Cli;

/// <summary>The command's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The user's input could not be used (missing file, not a transcript, bad value).</summary>
    public const int UserError = 1;

    /// <summary>The command line itself was wrong (unknown option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>Something went wrong inside Crosstalk (a bug); the one-line message says how to get details.</summary>
    public const int Internal = 70;

    /// <summary>Stopped by Ctrl+C; what was completed has been kept.</summary>
    public const int Interrupted = 130;
}
