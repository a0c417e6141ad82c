using System.Text;

namespace Crosstalk.Analysis.Judge;

/// <summary>
/// A judge cache on disk: one small JSON file per answer, <c>{directory}/{key[0..2]}/{key}.json</c>, written
/// atomically (temporary file, then rename), so parallel judges and crashes never leave half an answer.
/// </summary>
public sealed class FileJudgeCache : IJudgeCache
{
    private readonly string _directory;

    /// <summary>Creates a cache in <paramref name="directory"/> (created on first write).</summary>
    public FileJudgeCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = directory;
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, string answerJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(answerJson);
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temporary, answerJson, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length < 8 || !key.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("A judge cache key is a hexadecimal hash.", nameof(key));
        }

        return Path.Combine(_directory, key[..2], key + ".json");
    }
}
