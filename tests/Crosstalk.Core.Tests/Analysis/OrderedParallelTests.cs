using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class OrderedParallelTests
{
    [Fact]
    public async Task SelectAsync_WorkOfUnevenLength_ComesBackInTheSourcesOrder()
    {
        var results = new List<int>();
        await foreach (var value in Numbers(200).SelectAsync((n, _) =>
        {
            Thread.Sleep(n % 7 == 0 ? 5 : 0);
            return n * n;
        }, degree: 4))
        {
            results.Add(value);
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(n => n * n), results);
    }

    [Fact]
    public async Task SelectAsync_OneItemFails_ItsErrorArrivesAtItsPlaceAfterTheOnesBefore()
    {
        var results = new List<int>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var value in Numbers(50).SelectAsync((n, _) => n == 20 ? throw new InvalidOperationException("item 20") : n, degree: 3))
            {
                results.Add(value);
            }
        });

        Assert.Equal("item 20", error.Message);
        Assert.Equal(Enumerable.Range(0, 20), results);
    }

    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }
}
