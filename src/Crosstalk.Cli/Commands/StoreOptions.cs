using System.CommandLine;
using Crosstalk.Storage;

namespace Crosstalk.Cli.Commands;

/// <summary>The <c>--db</c> option every command that reads or writes the store shares.</summary>
internal static class StoreOptions
{
    public static Option<string?> CreateDbOption()
    {
        var option = new Option<string?>("--db")
        {
            Description = $"The store: a SQLite file path, or a PostgreSQL connection (postgres://user:pass@host/db). Default: ${CliEngine.DatabaseVariable}, else ~/.local/share/crosstalk/crosstalk.db.",
        };

        // An empty value (--db "$UNSET") is a mistake, not a wish for the default store.
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && string.IsNullOrWhiteSpace(result.Tokens[0].Value))
            {
                result.AddError("--db is empty; name a SQLite file or a PostgreSQL connection, or leave --db out for the default store.");
            }
        });
        return option;
    }

    /// <summary>Opens the store for a command that writes to it (creating a SQLite file that is not there yet).</summary>
    public static Task<ITranscriptStore> OpenAsync(CliContext context, string? db, CancellationToken cancellationToken) =>
        CliEngine.OpenStoreAsync(context, db, mustExist: false, cancellationToken);

    /// <summary>Opens the store for a command that only reads it: a SQLite file that is not there is an error, not a new empty store.</summary>
    public static Task<ITranscriptStore> OpenExistingAsync(CliContext context, string? db, CancellationToken cancellationToken) =>
        CliEngine.OpenStoreAsync(context, db, mustExist: true, cancellationToken);
}
