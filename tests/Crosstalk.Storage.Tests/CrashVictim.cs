using System.Diagnostics;
using System.Globalization;
using Crosstalk.Transcripts;

namespace Crosstalk.Storage.Tests;

/// <summary>
/// A process that appends messages to one conversation as fast as it can and reports each one the store has
/// acknowledged, for the kill -9 test to kill at a random moment. Each message's content follows from its index,
/// so the test can tell a complete, correct row from a torn or misplaced one.
/// </summary>
internal static class CrashVictim
{
    public const string Command = "append-until-killed";

    /// <summary>Appends until killed; stops by itself after a minute or 100,000 messages, so nothing outlives a test run.</summary>
    public static async Task<int> RunAsync(string db, long conversationId)
    {
        await using var store = await TranscriptStore.OpenAsync(db);
        var transcript = await store.GetTranscriptAsync(conversationId)
            ?? throw new InvalidOperationException($"No conversation {conversationId}.");
        var next = transcript.Messages.Count + 1;
        var clock = Stopwatch.StartNew();
        Console.Out.WriteLine("ready " + next.ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        for (; next <= 100_000 && clock.Elapsed < TimeSpan.FromMinutes(1); next++)
        {
            await store.AppendMessageAsync(conversationId, next, MessageFor(next));
            Console.Out.WriteLine("committed " + next.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();
        }

        return 0;
    }

    public static TranscriptMessage MessageFor(int index) => new()
    {
        Seat = index % 2 == 1 ? 1 : 2,
        Speaker = index % 2 == 1 ? "A" : "B",
        Content = $"message {index}: " + new string((char)('a' + index % 26), 1 + index * 37 % 2000),
        Usage = new TokenUsage(index, 2 * index),
        Cost = index / 1000m,
        Latency = TimeSpan.FromMilliseconds(index),
    };

    /// <summary>Starts this assembly as a victim process with its output redirected.</summary>
    public static Process Start(string db, long conversationId)
    {
        var assembly = typeof(CrashVictim).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add(Command);
        info.ArgumentList.Add(db);
        info.ArgumentList.Add(conversationId.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the victim process.");
    }
}
