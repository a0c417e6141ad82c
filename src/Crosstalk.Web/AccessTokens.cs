using System.Security.Cryptography;

namespace Crosstalk.Web;

/// <summary>Access tokens for a server that listens beyond loopback.</summary>
public static class AccessTokens
{
    /// <summary>The shortest token the server takes: shorter ones are too easy to guess.</summary>
    public const int MinimumLength = 16;

    /// <summary>Returns a new random token: 32 bytes, URL-safe base64 without padding.</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
