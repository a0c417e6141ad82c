namespace Crosstalk.Core.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:30", 30_000)]
    public void TryParse_EachWrittenForm_ReadsTheDuration(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("0ms")]
    [InlineData("5mh")]
    [InlineData("ms")]
    [InlineData("2d")]
    [InlineData("00:00:30ms")]
    public void TryParse_NotADuration_False(string text) => Assert.False(Durations.TryParse(text, out _));
}
