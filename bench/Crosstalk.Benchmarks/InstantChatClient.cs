using Microsoft.Extensions.AI;

namespace Crosstalk.Benchmarks;

/// <summary>A client that answers at once with one pre-built update, so only the caller's overhead is measured.</summary>
internal sealed class InstantChatClient(string text) : IChatClient
{
    private readonly ChatResponseUpdate _update = new(ChatRole.Assistant, text) { FinishReason = ChatFinishReason.Stop };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, _update.Text)));

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        new OneUpdate(_update);

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private sealed class OneUpdate(ChatResponseUpdate update) : IAsyncEnumerable<ChatResponseUpdate>, IAsyncEnumerator<ChatResponseUpdate>
    {
        private bool _done;

        public ChatResponseUpdate Current => update;

        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

        public ValueTask<bool> MoveNextAsync()
        {
            var moved = !_done;
            _done = true;
            return ValueTask.FromResult(moved);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
