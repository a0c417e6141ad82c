using System.Globalization;
using System.Reflection;

namespace Crosstalk.Storage.Sql;

/// <summary>One schema change, an embedded <c>Migrations/{Provider}/NNNN_name.sql</c> script.</summary>
internal sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>The provider's migrations in version order.</summary>
    public static IReadOnlyList<Migration> Load(string provider)
    {
        var assembly = typeof(Migration).Assembly;
        var prefix = $"migrations/{provider}/";
        var migrations = new List<Migration>();
        foreach (var resourceName in assembly.GetManifestResourceNames())
        {
            var resource = resourceName.Replace('\\', '/');
            if (!resource.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = Path.GetFileNameWithoutExtension(resource[prefix.Length..]);
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            migrations.Add(new Migration(version, name, Read(assembly, resourceName)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (migrations.Count == 0 || migrations.Select((m, i) => m.Version != i + 1).Any(gap => gap))
        {
            throw new InvalidOperationException($"The {provider} migrations are not numbered 1, 2, 3, … without gaps.");
        }

        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded migration {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
