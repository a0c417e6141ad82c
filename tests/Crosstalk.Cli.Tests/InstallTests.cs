using System.Diagnostics;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// Installing as a user would: the CLI packed as a .NET tool into a local folder, installed into a tool path of its own,
/// and run as <c>crosstalk</c> — a whole conversation of the offline agents, saved and stored.
/// </summary>
[Collection(HeavyProcessCollection.Name)] // a pack, and a publish that compiles every assembly ahead: both cores for a minute
public sealed class InstallTests
{
    [Fact]
    public async Task PackedTool_InstalledIntoAToolPath_RunsAConversation()
    {
        var root = RepositoryRoot();
        var dir = CrosstalkProcess.NewTempDirectory();
        var packages = Path.Combine(dir, "packages");
        var tools = Path.Combine(dir, "tools");

        var pack = await DotnetAsync(root, "pack", Path.Combine(root, "src", "Crosstalk.Cli"), "-c", "Release", "--no-build", "-o", packages, "-nologo");
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.True(File.Exists(Path.Combine(packages, "crosstalk.1.0.0.nupkg")), pack.Output);

        // Only the local folder as a source: the package installed is the one just packed, whatever a public feed holds.
        var config = Path.Combine(dir, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var install = await DotnetAsync(dir, "tool", "install", "crosstalk", "--tool-path", tools, "--configfile", config, "--version", "1.0.0");
        Assert.True(install.ExitCode == 0, install.Output);

        var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        var run = await RunAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "crosstalk.exe" : "crosstalk"), work, "run", "--max-messages", "4", "--quiet", "--db", "store.db");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Stored conversation 1", run.Output, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(work, "transcripts")).Length);
        Assert.True(File.Exists(Path.Combine(work, "store.db")));
    }

    [Fact]
    public async Task SingleFile_PublishedForThisPlatform_RunsAConversationAndAnalysesAnImport()
    {
        // What a user without .NET downloads: scripts/publish.sh's self-contained single file for this machine's platform,
        // compiled ahead (ReadyToRun), run from a folder of its own.
        var root = RepositoryRoot();
        var dir = CrosstalkProcess.NewTempDirectory();
        try
        {
            // The portable name publish.sh's users pass (a distribution's own .NET may call itself ubuntu.24.04-x64).
            var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            var rid = $"{os}-{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
            var publish = await RunAsync("bash", root, [Path.Combine(root, "scripts", "publish.sh"), rid], ("DIST", dir));
            Assert.True(publish.ExitCode == 0, publish.Output);
            var single = Path.Combine(dir, rid, OperatingSystem.IsWindows() ? "crosstalk.exe" : "crosstalk");
            Assert.Equal([single], Directory.GetFiles(Path.Combine(dir, rid)));

            var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
            var run = await RunAsync(single, work, "run", "--max-messages", "4", "--quiet", "--db", "store.db");
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("Stored conversation 1", run.Output, StringComparison.Ordinal);

            var import = await RunAsync(single, work, "import", Path.GetDirectoryName(Crosstalk.Testing.SharedFiles.Seed000)!, "--db", "store.db");
            Assert.True(import.ExitCode == 0, import.Output);
            Assert.Contains("Imported 2 conversation(s)", import.Output, StringComparison.Ordinal);
            var analyze = await RunAsync(single, work, "analyze", "store", "--db", "store.db", "--json");
            Assert.True(analyze.ExitCode == 0, analyze.Output);
            Assert.Contains("\"goodbyeLoops\": 1,", analyze.Output, StringComparison.Ordinal); // seed 001's, messages 24-97
        }
        finally
        {
            Directory.Delete(dir, recursive: true); // the single file and the tool package: 240 MB
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crosstalk.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Crosstalk.slnx was not found above the test's folder.");
    }

    private static Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, params string[] args) => RunAsync("dotnet", workingDirectory, args);

    private static Task<(int ExitCode, string Output)> RunAsync(string program, string workingDirectory, params string[] args) =>
        RunAsync(program, workingDirectory, args, []);

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string workingDirectory, string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The installed tool must not find this repository's store, secrets or keys: a user's machine has none of them.
        start.Environment["CROSSTALK_DB"] = Path.Combine(workingDirectory, "default.db");
        start.Environment["CROSSTALK_SECRETS"] = Path.Combine(workingDirectory, "no-secrets.env");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // Against a hang only: a publish on a fresh machine first downloads its platform's runtime and compiler packs.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
