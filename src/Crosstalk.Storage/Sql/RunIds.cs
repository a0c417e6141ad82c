using System.Globalization;
using System.Security.Cryptography;

namespace Crosstalk.Storage.Sql;

internal static class RunIds
{
    /// <summary>A run id such as <c>r-20261123-041500-ab12</c>: the start in UTC, then random hex against collisions.</summary>
    public static string New(DateTimeOffset started) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"r-{started.UtcDateTime:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}");
}
