using Crosstalk.Analysis;
using Crosstalk.Transcripts.Formats;
using Crosstalk.Testing;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class LiveIndicatorsTests
{
    [Fact]
    public void Observe_Seed001_RaisesTheGoodbyeLoopAfterTheMutualEndAndTheRepeats()
    {
        var seed = SeedMarkdown.ReadFile(SharedFiles.Seed001);
        var indicators = new LiveIndicators(2);

        var raised = seed.Messages.Select((m, i) => (Index: i + 1, Raised: indicators.Observe(m))).Where(x => x.Raised.Count > 0).ToList();

        Assert.Contains(raised, x => x.Index == 11 && x.Raised.Any(r => r.Contains("repeats message 9", StringComparison.Ordinal)));
        Assert.Contains(raised, x => x.Index == 94 && x.Raised.Any(r => r.Contains("repeats message 80", StringComparison.Ordinal)));
        Assert.Contains(raised, x => x.Index >= 24 && x.Index <= 27 && x.Raised.Any(r => r.Contains("farewells followed the end token", StringComparison.Ordinal)));
        Assert.DoesNotContain(raised, x => x.Index < 9);
    }

    [Fact]
    public void Observe_OneGoodbyeAndStop_RaisesNothing()
    {
        var indicators = new LiveIndicators(2);
        string[] messages = [" ", "Hello! What shall we talk about today?", "Tell me about tide pools and the animals living in them.", "Thanks, that was lovely. Goodbye! [END]"];

        var raised = messages.Select((text, i) => indicators.Observe(new() { Seat = (i % 2) + 1, Speaker = "x", Content = text })).SelectMany(r => r).ToList();

        Assert.Empty(raised);
    }
}
