namespace Crosstalk.Testing;

/// <summary>
/// Finds the project's <c>shared/</c> folder (seeds and provider fixtures): <c>CROSSTALK_SHARED</c> when set, else the
/// nearest <c>shared/</c> above the test binaries — the copy in the repository, so any clone runs every test.
/// </summary>
public static class SharedFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The <c>shared/</c> folder.</summary>
    public static string Directory => Root.Value;

    /// <summary>The folder of seed transcripts.</summary>
    public static string Seeds => Path.Combine(Root.Value, "seeds");

    /// <summary>The recorded provider traffic.</summary>
    public static string ProviderWire => Path.Combine(Root.Value, "fixtures", "provider-wire");

    /// <summary>Seed <c>000_…</c>: Kimi K2 ↔ 4o, 6 messages.</summary>
    public static string Seed000 => Path.Combine(Seeds, "000_9b49a01de80e6c50.txt");

    /// <summary>Seed <c>001_…</c>: Kimi K2 ↔ grok-4, 97 messages.</summary>
    public static string Seed001 => Path.Combine(Seeds, "001_56cfc8f72ca96c78.txt");

    /// <summary>The original system's JSON written beside seed <c>001_…</c>.</summary>
    public static string Seed001OriginalJson => Path.Combine(Seeds, "001_56cfc8f72ca96c78.original.json");

    private static string FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CROSSTALK_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (System.IO.Directory.Exists(Path.Combine(candidate, "seeds")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "The shared/ folder (seeds and fixtures) was not found in the repository; set CROSSTALK_SHARED to its path.");
    }
}
