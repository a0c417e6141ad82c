using System.Reflection;
using Crosstalk.Engine.Execution;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Microsoft.Extensions.Time.Testing;

namespace Crosstalk.Engine.Tests.Execution;

public sealed class LeaseKeeperTests
{
    /// <summary>
    /// A batch of 512 starts many conversations while the keeper renews: a lease taken while a renewal was on its way to
    /// the store is not in that renewal's answer, and must not be taken for lost (it was, once: a conversation of a
    /// 1,000-conversation benchmark stopped before its first message and the run ended one short).
    /// </summary>
    [Fact]
    public async Task Renewal_WhileALeaseIsTaken_DoesNotCountThatLeaseAsLost()
    {
        await using var real = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var first = await real.CreateConversationAsync(null, Header(), specJson: null);
        var second = await real.CreateConversationAsync(null, Header(), specJson: null);
        var store = SlowRenewals.Wrap(real);
        var slow = (SlowRenewals)(object)store;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var keeper = new LeaseKeeper(store, "owner-a", TimeSpan.FromSeconds(30), time);

        var firstLost = await keeper.TryAcquireAsync(first, null, null, CancellationToken.None);
        Assert.NotNull(firstLost);

        // A renewal tick: it reaches the store (which renews 'first' only) and is held there…
        await TickAsync(time, slow.RenewalArrived);

        // …while the second conversation's lease is taken; then the renewal's answer comes back.
        var secondLost = await keeper.TryAcquireAsync(second, null, null, CancellationToken.None);
        Assert.NotNull(secondLost);
        slow.Release.SetResult();
        await slow.RenewalAnswered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);

        Assert.False(firstLost.Value.IsCancellationRequested);
        Assert.False(secondLost.Value.IsCancellationRequested);
        Assert.Equal("owner-a", (await real.GetLiveStatusAsync(second))!.Lease.Owner);

        // A lease that really was taken over (by a process told that this owner died) is reported lost at the next renewal.
        Assert.True(await real.TryAcquireLeaseAsync(second, new ConversationLease("owner-b", time.GetUtcNow(), TimeSpan.FromSeconds(30), ["owner-a"])));
        slow.Reset();
        slow.Release.SetResult();
        await TickAsync(time, slow.RenewalAnswered);
        await Task.Delay(100);
        Assert.True(secondLost.Value.IsCancellationRequested);
    }

    /// <summary>Moves the clock a second at a time (the keeper's timer starts on its own thread) until the renewal shows.</summary>
    private static async Task TickAsync(FakeTimeProvider time, TaskCompletionSource shown)
    {
        for (var second = 0; second < 12 && !shown.Task.IsCompleted; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(shown.Task, Task.Delay(50));
        }

        await shown.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static Transcript Header()
    {
        List<Participant> participants = [new(1, "A", "offline:eliza", null), new(2, "B", "offline:markov", null)];
        return new Transcript { Title = Transcript.TitleFor(participants), Participants = participants, Started = DateTimeOffset.UtcNow };
    }

    /// <summary>A real store whose lease renewals wait, once renewed, until the test lets their answer go back.</summary>
    public class SlowRenewals : DispatchProxy
    {
        private ITranscriptStore _inner = null!;

        public TaskCompletionSource RenewalArrived { get; private set; } = New();

        public TaskCompletionSource Release { get; private set; } = New();

        public TaskCompletionSource RenewalAnswered { get; private set; } = New();

        public static ITranscriptStore Wrap(ITranscriptStore inner)
        {
            var proxy = Create<ITranscriptStore, SlowRenewals>();
            ((SlowRenewals)(object)proxy)._inner = inner;
            return proxy;
        }

        public void Reset()
        {
            RenewalArrived = New();
            Release = New();
            RenewalAnswered = New();
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(_inner, args);
            return targetMethod.Name == nameof(ITranscriptStore.RenewLeasesAsync) ? HoldAsync((Task<IReadOnlyList<long>>)result!) : result;
        }

        private async Task<IReadOnlyList<long>> HoldAsync(Task<IReadOnlyList<long>> renewal)
        {
            var renewed = await renewal;
            RenewalArrived.TrySetResult();
            await Release.Task;
            RenewalAnswered.TrySetResult();
            return renewed;
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
