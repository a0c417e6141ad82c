namespace Crosstalk.Engine.Models;

/// <summary>
/// Turns a model reference into the client that answers for a seat: an offline agent (<c>offline:eliza</c>,
/// <c>offline:markov</c>, <c>replay:FILE#SEAT</c>), a catalog name, <c>provider:model</c> or a bare OpenRouter id.
/// One per engine, so rate limits and circuit breakers are shared by every conversation it runs.
/// </summary>
public interface IModelResolver
{
    /// <summary>Resolves <paramref name="reference"/> for a conversation whose offline agents use <paramref name="seed"/>.</summary>
    /// <exception cref="ModelResolutionException">The reference names nothing usable; the message says why in one sentence.</exception>
    ResolvedModel Resolve(string reference, int seed);

    /// <summary>
    /// The reference as a plan stores it, so that it names the same model wherever the plan is read again: a relative
    /// <c>replay:</c> path becomes absolute. Other references are returned unchanged.
    /// </summary>
    string Anchor(string reference);
}
