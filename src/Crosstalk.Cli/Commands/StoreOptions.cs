using System.CommandLine;
using Crosstalk.Storage;

namespace Crosstalk.Cli.Commands;

/// <summary>The <c>--db</c> option every command that reads or writes the store shares.</summary>
internal static class StoreOptions
{
    public static Option<string?> CreateDbOption() => new("--db")
    {
        Description = $"The store: a SQLite file path, or a PostgreSQL connection (postgres://user:pass@host/db). Default: ${TranscriptStore.EnvironmentVariable}, else {TranscriptStore.DefaultPath}.",
    };

    public static async Task<ITranscriptStore> OpenAsync(CliContext context, string? db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = db;
        if (target is not null && !LooksLikePostgres(target))
        {
            target = context.ResolvePath(target);
        }

        return await TranscriptStore.OpenAsync(target, cancellationToken).ConfigureAwait(false);
    }

    private static bool LooksLikePostgres(string db) =>
        db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || db.Contains("Host=", StringComparison.OrdinalIgnoreCase);
}
