using System.Globalization;

namespace Crosstalk.Storage.Tests;

internal static class Program
{
    /// <summary>Run by the kill -9 test only (<c>dotnet exec Crosstalk.Storage.Tests.dll append-until-killed DB ID</c>).</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args is [CrashVictim.Command, var db, var id])
        {
            return await CrashVictim.RunAsync(db, long.Parse(id, CultureInfo.InvariantCulture));
        }

        await Console.Error.WriteLineAsync("This is a test assembly: run it with dotnet test.");
        return 2;
    }
}
