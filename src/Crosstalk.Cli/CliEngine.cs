using System.Globalization;
using Crosstalk.Engine;
using Crosstalk.Engine.Hosting;
using Crosstalk.Engine.Models;
using Crosstalk.Storage;

namespace Crosstalk.Cli;

/// <summary>
/// Where the command finds what the libraries are given: the store, the model catalog, the keys. The CLI reads the
/// environment here (the libraries read none) and opens one engine per command.
/// </summary>
internal static class CliEngine
{
    /// <summary>The environment variable that names the store when <c>--db</c> is not given.</summary>
    public const string DatabaseVariable = "CROSSTALK_DB";

    /// <summary>The environment variable that names the model catalog when <c>--models</c> is not given.</summary>
    public const string ModelsVariable = "CROSSTALK_MODELS";

    /// <summary>The environment variable that names the secrets file.</summary>
    public const string SecretsVariable = "CROSSTALK_SECRETS";

    /// <summary>Seconds a conversation's lease holds without renewal (default 30): how long another machine waits to take over after a crash.</summary>
    public const string LeaseVariable = "CROSSTALK_LEASE_SECONDS";

    /// <summary>The store: <c>--db</c>, else <c>$CROSSTALK_DB</c>, else <c>~/.local/share/crosstalk/crosstalk.db</c>; SQLite paths made absolute.</summary>
    public static string Database(CliContext context, string? db)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = string.IsNullOrWhiteSpace(db) ? context.Environment(DatabaseVariable) : db;
        if (string.IsNullOrWhiteSpace(target))
        {
            return DefaultDatabase(context);
        }

        target = target.Trim();
        if (LooksLikePostgres(target))
        {
            return target;
        }

        if (target == "~" || target.StartsWith("~/", StringComparison.Ordinal))
        {
            target = Path.Combine(Home(context), target.Length > 2 ? target[2..] : "");
        }

        return context.ResolvePath(target);
    }

    /// <summary><c>$XDG_DATA_HOME/crosstalk/crosstalk.db</c>, or <c>~/.local/share/crosstalk/crosstalk.db</c>.</summary>
    public static string DefaultDatabase(CliContext context) =>
        Path.Combine(XdgHome(context, "XDG_DATA_HOME", Path.Combine(".local", "share")), "crosstalk", "crosstalk.db");

    /// <summary>The user's catalog: <c>$CROSSTALK_MODELS</c>, else <c>~/.config/crosstalk/models.yaml</c>.</summary>
    public static string DefaultCatalog(CliContext context) =>
        context.Environment(ModelsVariable) is { Length: > 0 } named ? named : Path.Combine(XdgHome(context, "XDG_CONFIG_HOME", ".config"), "crosstalk", "models.yaml");

    /// <summary>The options of the model resolver: the catalog named or found, the keys of this environment and secrets file.</summary>
    public static ModelResolverOptions Models(
        CliContext context, string? modelsFile, TimeSpan tokenDelay = default, bool telemetry = false, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? catalog;
        if (modelsFile is not null)
        {
            catalog = context.ResolvePath(modelsFile);
        }
        else
        {
            // The default catalog is used when it exists; one named by $CROSSTALK_MODELS must exist.
            var fallback = DefaultCatalog(context);
            catalog = context.Environment(ModelsVariable) is { Length: > 0 } || File.Exists(fallback) ? fallback : null;
        }

        return new ModelResolverOptions
        {
            CatalogFile = catalog,
            SecretsFile = context.Environment(SecretsVariable) is { Length: > 0 } secrets
                ? secrets
                : Path.Combine(XdgHome(context, "XDG_CONFIG_HOME", ".config"), "crosstalk", "secrets.env"),
            Environment = context.Environment,
            WorkingDirectory = context.WorkingDirectory,
            TokenDelay = tokenDelay,
            EnableOpenTelemetry = telemetry,
            TelemetrySourceName = Commands.Telemetry.SourceName,
            LoggerFactory = logs,
        };
    }

    /// <summary>The engine's options for this command.</summary>
    public static CrosstalkOptions Options(CliContext context, string? db, ModelResolverOptions models)
    {
        var options = new CrosstalkOptions
        {
            Database = Database(context, db),
            Models = models,
            TimeProvider = context.TimeProvider,
        };
        if (context.Environment(LeaseVariable) is { Length: > 0 } lease
            && double.TryParse(lease, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 1)
        {
            options.LeaseDuration = TimeSpan.FromSeconds(seconds);
        }

        return options;
    }

    /// <summary>Opens the engine over the store <paramref name="db"/> names (see <see cref="Database"/>).</summary>
    public static Task<CrosstalkEngine> OpenAsync(CliContext context, string? db, ModelResolverOptions models, CancellationToken cancellationToken) =>
        NamingTheOptionAsync(context, db, () => CrosstalkEngine.OpenAsync(Options(context, db, models), cancellationToken: cancellationToken));

    /// <summary>Opens only the store (for commands that run nothing); <paramref name="mustExist"/> refuses to create a SQLite file that is not there.</summary>
    public static async Task<ITranscriptStore> OpenStoreAsync(CliContext context, string? db, bool mustExist, CancellationToken cancellationToken)
    {
        var target = Database(context, db);
        if (mustExist && !LooksLikePostgres(target) && !File.Exists(target))
        {
            throw new UserException($"There is no store at {target}{(db is null ? "" : " (--db)")}; 'crosstalk run' or 'crosstalk batch' creates one.");
        }

        return await NamingTheOptionAsync(context, db, () => TranscriptStore.OpenAsync(target, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>A store that cannot be opened is said with where its name came from: <c>--db</c>, or the environment.</summary>
    private static async Task<T> NamingTheOptionAsync<T>(CliContext context, string? db, Func<Task<T>> open)
    {
        try
        {
            return await open().ConfigureAwait(false);
        }
        catch (TranscriptStoreException ex) when (db is not null || context.Environment(DatabaseVariable) is { Length: > 0 })
        {
            var source = db is not null ? "--db" : "$" + DatabaseVariable;
            throw new UserException($"{ex.Message.TrimEnd('.')} ({source}).", ex);
        }
    }

    /// <summary>Whether <paramref name="db"/> names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool LooksLikePostgres(string db) => TranscriptStore.IsPostgres(db);

    private static string XdgHome(CliContext context, string variable, string fallback)
    {
        var value = context.Environment(variable);
        return string.IsNullOrWhiteSpace(value) || !Path.IsPathRooted(value) ? Path.Combine(Home(context), fallback) : value;
    }

    /// <summary>The user's home folder: <c>$HOME</c>, else the system's idea of it.</summary>
    internal static string Home(CliContext context) =>
        context.Environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
