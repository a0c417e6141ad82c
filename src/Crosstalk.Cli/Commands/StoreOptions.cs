using System.CommandLine;
using Crosstalk.Storage;

namespace Crosstalk.Cli.Commands;

/// <summary>The <c>--db</c> option every command that reads or writes the store shares.</summary>
internal static class StoreOptions
{
    public static Option<string?> CreateDbOption() => new("--db")
    {
        Description = $"The store: a SQLite file path, or a PostgreSQL connection (postgres://user:pass@host/db). Default: ${CliEngine.DatabaseVariable}, else ~/.local/share/crosstalk/crosstalk.db.",
    };

    /// <summary>Opens the store for a command that writes to it (creating a SQLite file that is not there yet).</summary>
    public static Task<ITranscriptStore> OpenAsync(CliContext context, string? db, CancellationToken cancellationToken) =>
        CliEngine.OpenStoreAsync(context, db, mustExist: false, cancellationToken);

    /// <summary>Opens the store for a command that only reads it: a SQLite file that is not there is an error, not a new empty store.</summary>
    public static Task<ITranscriptStore> OpenExistingAsync(CliContext context, string? db, CancellationToken cancellationToken) =>
        CliEngine.OpenStoreAsync(context, db, mustExist: true, cancellationToken);
}
