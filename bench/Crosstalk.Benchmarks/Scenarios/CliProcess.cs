using System.Diagnostics;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>Runs a crosstalk as a user does: a build's <c>crosstalk.dll</c> on <c>dotnet</c>, or a published single file by itself.</summary>
internal static class CliProcess
{
    /// <summary>The CLI of this checkout's Release build.</summary>
    /// <exception cref="InvalidOperationException">It is not built.</exception>
    public static string ThisBuild() =>
        File.Exists(Options.Cli()) ? Options.Cli() : throw new InvalidOperationException("Build the CLI first: dotnet build src/Crosstalk.Cli -c Release");

    /// <summary>How to start <paramref name="cli"/> with <paramref name="args"/>: on <c>dotnet</c> for a DLL, else by itself.</summary>
    public static ProcessStartInfo StartInfo(string cli, IEnumerable<string> args)
    {
        var isDll = cli.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(isDll ? "dotnet" : cli) { UseShellExecute = false };
        if (isDll)
        {
            start.ArgumentList.Add(cli);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Runs <paramref name="cli"/> with <paramref name="args"/> to its end: its exit code, output, error output and wall time.</summary>
    public static (int ExitCode, string Output, string Error, double Seconds) Run(string cli, params string[] args)
    {
        var start = StartInfo(cli, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result, clock.Elapsed.TotalSeconds);
    }
}
