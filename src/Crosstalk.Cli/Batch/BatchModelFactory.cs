using Crosstalk.Cli.Commands;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// Gives the client for a model reference in one conversation. Offline agents get the conversation's seed;
/// provider models may share one client (and its rate limits) across conversations.
/// </summary>
/// <param name="reference">What the experiment names, e.g. <c>offline:eliza</c>.</param>
/// <param name="seed">The conversation's seed.</param>
internal delegate ResolvedModel BatchModelFactory(string reference, int seed);
