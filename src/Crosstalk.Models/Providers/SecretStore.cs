namespace Crosstalk.Models.Providers;

/// <summary>
/// Where API keys come from: the environment the caller hands in first, then a secrets file of <c>NAME=VALUE</c> lines
/// (the CLI uses <c>$CROSSTALK_SECRETS</c>, default <c>~/.config/crosstalk/secrets.env</c>). Keys are handed only to the
/// SDK clients; nothing here ever formats a value into text.
/// </summary>
public sealed class SecretStore
{
    private readonly Func<string, string?> _environment;
    private readonly Lazy<Dictionary<string, string>> _file;

    /// <param name="secretsFile">The secrets file; null for none. A missing file is simply empty.</param>
    /// <param name="environment">Reads an environment variable (the CLI passes the process's).</param>
    public SecretStore(string? secretsFile, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        SecretsFile = secretsFile;
        _file = new(() => secretsFile is null ? [] : ReadFile(secretsFile));
    }

    /// <summary>No keys at all: offline agents and keyless endpoints only.</summary>
    public static SecretStore None { get; } = new(null, _ => null);

    /// <summary>The secrets file consulted after the environment, if any.</summary>
    public string? SecretsFile { get; }

    /// <summary>Whether a non-empty value exists for <paramref name="variable"/>.</summary>
    public bool Has(string variable) => !string.IsNullOrEmpty(Find(variable));

    /// <summary>The value, registered with the redactor so it can never be echoed back in an error.</summary>
    internal string? Get(string variable)
    {
        var value = Find(variable);
        if (!string.IsNullOrEmpty(value))
        {
            SecretRedactor.Register(value);
        }

        return value;
    }

    private string? Find(string variable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        var value = _environment(variable);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        return _file.Value.TryGetValue(variable, out var fromFile) ? fromFile : null;
    }

    private static Dictionary<string, string> ReadFile(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[line[..eq].Trim()] = value;
        }

        return values;
    }
}
