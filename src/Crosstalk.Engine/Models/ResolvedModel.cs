using Microsoft.Extensions.AI;

namespace Crosstalk.Engine.Models;

/// <summary>A model reference resolved to the client that answers for a seat.</summary>
/// <param name="Reference">The reference as given.</param>
/// <param name="DisplayName">The name transcripts show.</param>
/// <param name="Client">The client that answers.</param>
/// <param name="RecordedOpener">For a replay whose recording starts with this seat: the recorded opener, so the replay reproduces the original.</param>
/// <param name="BlankMessage">What a blank message is sent to this model as, when its endpoint rejects blank messages.</param>
/// <param name="Unpriced">A provider's model the catalog has no price for: its cost is not counted (offline agents cost nothing and are priced).</param>
public sealed record ResolvedModel(string Reference, string DisplayName, IChatClient Client, string? RecordedOpener = null, string? BlankMessage = null, bool Unpriced = false);
