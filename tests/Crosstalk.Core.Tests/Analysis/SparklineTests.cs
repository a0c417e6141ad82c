using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class SparklineTests
{
    [Fact]
    public void Render_RisingSeries_GoesFromLowestToHighestBlock() =>
        Assert.Equal("▁▂▃▄▅▆▇█", Sparkline.Render([0, 1, 2, 3, 4, 5, 6, 7]));

    [Fact]
    public void Render_EmptyFlatAndClose_ScaleFromZero()
    {
        Assert.Equal("", Sparkline.Render([]));
        Assert.Equal("███", Sparkline.Render([5, 5, 5]));
        Assert.Equal("▁▁▁", Sparkline.Render([0, 0, 0]));
        // From zero: close values look close.
        Assert.Equal("▇▇█", Sparkline.Render([10, 11, 12]));
    }

    [Fact]
    public void Render_MaxWidth_AveragesIntoThatManyCharacters()
    {
        var line = Sparkline.Render([.. Enumerable.Range(0, 100).Select(i => (double)i)], maxWidth: 10);

        Assert.Equal(10, line.Length);
        Assert.Equal('▁', line[0]);
        Assert.Equal('█', line[^1]);
    }
}
