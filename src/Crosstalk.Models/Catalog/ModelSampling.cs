namespace Crosstalk.Models.Catalog;

/// <summary>Default sampling options of a model; a conversation's own options win over them.</summary>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="TopP">Nucleus sampling.</param>
/// <param name="MaxOutputTokens">Largest reply, in tokens (Anthropic requires one; 4096 when unset).</param>
public sealed record ModelSampling(float? Temperature = null, float? TopP = null, int? MaxOutputTokens = null)
{
    /// <summary>No defaults.</summary>
    public static ModelSampling None { get; } = new();
}
