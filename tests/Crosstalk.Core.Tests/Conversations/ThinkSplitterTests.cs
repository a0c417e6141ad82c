using Crosstalk.Conversations;

namespace Crosstalk.Core.Tests.Conversations;

public class ThinkSplitterTests
{
    private static (string Visible, string Reasoning) Split(params string[] chunks)
    {
        var splitter = new ThinkSplitter();
        splitter.Reset();
        string visible = "", reasoning = "";
        foreach (var chunk in chunks)
        {
            splitter.Push(chunk, out var v, out var r);
            visible += v;
            reasoning += r;
        }

        splitter.Complete(out var hv, out var hr);
        return (visible + hv, reasoning + hr);
    }

    [Fact]
    public void Push_PlainText_PassesThrough() => Assert.Equal(("Hello world", ""), Split("Hello", " world"));

    [Fact]
    public void Push_ThinkBlockOneCharAtATime_IsSeparated() =>
        Assert.Equal(("Answer.", "plan"), Split([.. "<think>plan</think>\nAnswer.".Select(c => c.ToString())]));

    [Fact]
    public void Push_UnclosedThinkBlock_IsAllReasoning() => Assert.Equal(("", "never finished"), Split("<think>never ", "finished"));

    [Fact]
    public void Push_ThinkTagLaterInText_IsKeptVisible() =>
        Assert.Equal(("I said <think>x</think>", ""), Split("I said ", "<think>x</think>"));

    [Fact]
    public void Push_WhitespaceOnly_StaysVisibleSoItCountsAsEmpty() => Assert.Equal(("  ", ""), Split(" ", " "));

    [Fact]
    public void Push_PartialTagAtEnd_IsFlushedAsText() => Assert.Equal(("<thi", ""), Split("<th", "i"));
}
