using Crosstalk.Engine.Hosting;
using Crosstalk.Engine.Models;
using Crosstalk.Storage;
using Crosstalk.Testing;

namespace Crosstalk.Engine.Tests;

/// <summary>Engines over a real SQLite file in a fresh folder (or a PostgreSQL schema), as a user's would be.</summary>
internal static class EngineHarness
{
    public static string NewFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "crosstalk-engine-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static string NewDatabase() => Path.Combine(NewFolder(), "store.db");

    /// <summary>An engine over <paramref name="database"/> (a new SQLite file by default) that owns its store.</summary>
    public static async Task<CrosstalkEngine> OpenAsync(
        IModelResolver? models = null, string? database = null, TimeSpan? lease = null, TimeSpan? live = null, string? owner = null)
    {
        var options = new CrosstalkOptions
        {
            Database = database ?? NewDatabase(),
            LeaseDuration = lease ?? TimeSpan.FromSeconds(30),
            LiveInterval = live ?? TimeSpan.FromMilliseconds(100),
            Owner = owner,
        };
        var store = await TranscriptStore.OpenAsync(options.Database);
        return new CrosstalkEngine(store, models ?? new TestModels(), options, ownsStore: true);
    }
}
