using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>What the scripted provider does on one call.</summary>
internal sealed record ProviderStep(Exception? Failure = null, bool Stall = false, bool StallAfterText = false)
{
    /// <summary>Sends nothing until cancelled.</summary>
    public static ProviderStep Stalls { get; } = new(Stall: true);

    /// <summary>Sends "Hel", then nothing until cancelled.</summary>
    public static ProviderStep StallsAfterText { get; } = new(StallAfterText: true);

    /// <summary>Throws <paramref name="failure"/> at once.</summary>
    public static ProviderStep Fails(Exception failure) => new(failure);
}

/// <summary>A call the scripted provider received: when (on its clock), and the token it was given.</summary>
internal sealed record ProviderCall(DateTimeOffset Started, CancellationToken Token);

/// <summary>
/// A provider for the resilience tests: follows its script one step per call, then answers "Hello." (streamed as "Hel"
/// and "lo."), noting each call.
/// </summary>
internal sealed class ScriptedProvider(TimeProvider time, params ProviderStep[] script) : IChatClient
{
    private readonly SnapshotList<ProviderCall> _calls = new();

    public IReadOnlyList<ProviderCall> Calls => _calls.Snapshot();

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var step = Begin(cancellationToken);
        if (step.Failure is not null)
        {
            throw step.Failure;
        }

        if (step.Stall || step.StallAfterText)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello.")) { FinishReason = ChatFinishReason.Stop };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var step = Begin(cancellationToken);
        if (step.Failure is not null)
        {
            throw step.Failure;
        }

        if (step.Stall)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel");
        if (step.StallAfterText)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, "lo.") { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private ProviderStep Begin(CancellationToken cancellationToken)
    {
        var number = _calls.Add(new ProviderCall(time.GetUtcNow(), cancellationToken));
        return number <= script.Length ? script[number - 1] : new ProviderStep();
    }
}
