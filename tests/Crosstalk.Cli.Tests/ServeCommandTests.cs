using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Crosstalk.Cli.Tests;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_AfterARun_PrintsAUrlThatShowsTheConversation()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--quiet", "--max-messages", "6");
        Assert.Equal(0, run.ExitCode);

        var start = CrosstalkProcess.StartInfo(dir, new Dictionary<string, string>(), "serve", "--port", "0");
        using var process = Process.Start(start)!;
        try
        {
            Uri? url = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (url is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("serve exited: " + await process.StandardError.ReadToEndAsync());
                var match = UrlPattern().Match(line);
                if (match.Success)
                {
                    url = new Uri(match.Value);
                }
            }

            Assert.Equal("127.0.0.1", url.Host);
            using var http = new HttpClient();
            var page = await http.GetStringAsync(url);
            Assert.Contains("ELIZA", page, StringComparison.Ordinal);
            Assert.Contains("Markov", page, StringComparison.Ordinal);

            // The live page offers the offline agents and the catalog's models, and nothing else is accepted there.
            var live = await http.GetStringAsync(new Uri(url, "/live"));
            Assert.Contains("<option value=\"offline:eliza\">", live, StringComparison.Ordinal);
            Assert.Contains("<option value=\"kimi-k2-openrouter\">", live, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("not an address", "is not an IP address")]
    [InlineData("999.1.1.1", "is not an IP address")]
    public async Task Serve_BadHost_FailsWithOneLineThatNamesNoParameterOfOurs(string host, string expected)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "serve", "--host", host, "--port", "0");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ShortToken_IsRefusedWithOneLine()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "serve", "--host", "0.0.0.0", "--token", "abc", "--port", "0");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: An access token of 3 character(s) is too easy to guess; use at least 16 (or give none: one is generated).", line.TrimEnd());
    }

    [GeneratedRegex(@"http://[^\s]+")]
    private static partial Regex UrlPattern();
}
