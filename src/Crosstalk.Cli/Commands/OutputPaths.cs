namespace Crosstalk.Cli.Commands;

/// <summary>
/// Checks a path an option names for writing before any work is done, so that a file where a folder is wanted (or the
/// other way round), or a folder that cannot be made, fails at once with one line naming the option.
/// </summary>
internal static class OutputPaths
{
    /// <summary>The full path of the folder <paramref name="given"/> names, created when missing.</summary>
    public static string Folder(CliContext context, string given, string option)
    {
        var path = context.ResolvePath(given);
        if (System.IO.File.Exists(path))
        {
            throw new UserException($"{option}: {given} is a file; give a folder to write into.");
        }

        Create(path, given, option);
        return path;
    }

    /// <summary>The full path of the file <paramref name="given"/> names; its folder is created when missing.</summary>
    public static string File(CliContext context, string given, string option)
    {
        var path = context.ResolvePath(given);
        if (Directory.Exists(path))
        {
            throw new UserException($"{option}: {given} is a folder; give the name of a file to write.");
        }

        if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            if (System.IO.File.Exists(folder))
            {
                throw new UserException($"{option}: {folder} is a file, so {given} cannot be written inside it.");
            }

            Create(folder, folder, option);
        }

        return path;
    }

    private static void Create(string path, string given, string option)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"{option}: the folder {given} cannot be created ({ex.Message.TrimEnd('.')}).");
        }
    }
}
