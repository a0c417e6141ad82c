using Crosstalk.Engine.Hosting;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Crosstalk.Engine.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task AddCrosstalk_FromOptions_RegistersOneEngineWithItsStoreAndResolverThatRunsAConversation()
    {
        var database = EngineHarness.NewDatabase();
        var services = new ServiceCollection().AddCrosstalk(options =>
        {
            options.Database = database;
            options.LeaseDuration = TimeSpan.FromSeconds(10);
        });
        await using (var provider = services.BuildServiceProvider())
        {
            var engine = provider.GetRequiredService<CrosstalkEngine>();
            Assert.Same(engine.Store, provider.GetRequiredService<ITranscriptStore>());
            Assert.Same(engine.Models, provider.GetRequiredService<IModelResolver>());

            var planned = ConversationPlanner.PlanConversation(
                new ConversationRequest { Seats = [new SeatRequest("offline:eliza"), new SeatRequest("offline:markov")], StopPolicy = "max-messages:4" },
                engine.Models,
                DateTimeOffset.Now);
            var id = await engine.CreateConversationAsync(planned);
            Assert.Equal(Transcripts.StopReasons.MaxMessages, (await engine.Conversations.ExecuteAsync(id)).Stop!.Reason);
        }

        // Disposing the container closed the store: the file can be opened again and holds the conversation.
        await using var store = await TranscriptStore.OpenAsync(database);
        Assert.Equal(4, (await store.GetTranscriptAsync(1))!.Messages.Count);
    }

    [Fact]
    public void AddCrosstalk_WithoutADatabase_SaysWhichOptionIsMissing()
    {
        var services = new ServiceCollection().AddCrosstalk(_ => { });
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<CrosstalkEngine>());

        Assert.Contains("CrosstalkOptions.Database", error.Message, StringComparison.Ordinal);
    }
}
