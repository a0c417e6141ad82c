using Crosstalk.Engine;
using Crosstalk.Storage;
using Crosstalk.Testing;

namespace Crosstalk.Web.Tests;

/// <summary>
/// A test class with a SQLite store and an engine of its own (not the browser tests' shared one), in a temporary folder
/// removed afterwards.
/// </summary>
public abstract class OwnStoreTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crosstalk-web-own-" + Guid.NewGuid().ToString("N"));

    /// <summary>The temporary folder the store is in, for other files a test needs.</summary>
    protected string Folder => _folder;

    protected ITranscriptStore Store { get; private set; } = null!;

    protected CrosstalkEngine Engine { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Store = await TranscriptStore.OpenAsync(Path.Combine(_folder, "crosstalk.db"));
        Engine = CreateEngine(Store);
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The engine over the store: the test models unless a class needs the viewer's own.</summary>
    protected virtual CrosstalkEngine CreateEngine(ITranscriptStore store) => new(store, new TestModels());
}
