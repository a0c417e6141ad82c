using System.CommandLine;
using Crosstalk.Storage;

namespace Crosstalk.Cli.Commands;

/// <summary>The <c>--db</c> option every store command takes, and opening the store it names.</summary>
internal static class StoreOptions
{
    public static Option<string?> CreateDbOption() => new("--db")
    {
        Description = "The store: a SQLite file, or a PostgreSQL URL (postgres://user:password@host/database). Default: $CROSSTALK_DB, else ~/.local/share/crosstalk/crosstalk.db.",
    };

    public static async Task<ITranscriptStore> OpenAsync(CliContext context, string? db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(db))
        {
            db = context.Environment(TranscriptStore.EnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(db))
        {
            db = TranscriptStore.DefaultPath;
        }
        else if (!LooksLikeServer(db) && !db.StartsWith('~'))
        {
            db = context.ResolvePath(db);
        }

        try
        {
            return await TranscriptStore.OpenAsync(db, cancellationToken).ConfigureAwait(false);
        }
        catch (TranscriptStoreException ex)
        {
            throw new UserException(ex.Message, ex);
        }
    }

    private static bool LooksLikeServer(string db) =>
        db.Contains("://", StringComparison.Ordinal) || db.Contains('=', StringComparison.Ordinal);
}
