using System.Text.RegularExpressions;
using Npgsql;

namespace Crosstalk.Storage.Postgres;

/// <summary>Recognizes a PostgreSQL <c>--db</c> value (URL or Npgsql connection string) and turns it into a connection string.</summary>
internal static partial class PostgresConnectionString
{
    /// <summary>
    /// True when <paramref name="db"/> names a PostgreSQL database: <c>postgres://</c> or <c>postgresql://</c> URLs, or
    /// <c>Host=…;…</c> connection strings. Error messages never repeat the value, since it may hold a password.
    /// </summary>
    public static bool TryConvert(string db, out string connectionString)
    {
        var trimmed = db.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            connectionString = FromUrl(trimmed);
            return true;
        }

        if (KeywordString().IsMatch(trimmed))
        {
            try
            {
                connectionString = new NpgsqlConnectionStringBuilder(trimmed).ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new TranscriptStoreException($"The PostgreSQL connection string is not valid: {e.Message}", e);
            }

            return true;
        }

        connectionString = "";
        return false;
    }

    private static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new TranscriptStoreException("The PostgreSQL URL is not valid; write it as postgres://user:password@host:port/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[UrlKeyword(key)] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new TranscriptStoreException($"The PostgreSQL URL parameter '{key}' is not one Npgsql understands: {e.Message}", e);
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>libpq's URL parameter names that Npgsql spells differently.</summary>
    private static string UrlKeyword(string key) => key.ToUpperInvariant() switch
    {
        "SSLMODE" => "SSL Mode",
        "CONNECT_TIMEOUT" => "Timeout",
        "APPLICATION_NAME" => "Application Name",
        "SSLROOTCERT" => "Root Certificate",
        _ => key,
    };

    [GeneratedRegex(@"(^|;)\s*(host|server)\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeywordString();
}
