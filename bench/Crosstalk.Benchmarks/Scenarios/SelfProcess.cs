using System.Diagnostics;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>Starts this benchmark executable again as a child process, talking to it over its standard input and output.</summary>
internal static class SelfProcess
{
    public static Process Start(IEnumerable<string> args)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };

        // Run as `dotnet Crosstalk.Benchmarks.dll`: the child needs the assembly named too.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
    }
}
