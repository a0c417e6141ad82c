namespace Crosstalk.Analysis.Judge;

/// <summary>Keeps judges' answers so that asking the same question of the same model about the same text costs nothing.</summary>
public interface IJudgeCache
{
    /// <summary>The answer JSON stored under <paramref name="key"/>, or null.</summary>
    ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="answerJson"/> under <paramref name="key"/>, replacing any earlier answer.</summary>
    ValueTask SetAsync(string key, string answerJson, CancellationToken cancellationToken = default);
}
