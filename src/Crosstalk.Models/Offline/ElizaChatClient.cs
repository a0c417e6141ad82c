using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// A stand-in model that needs no key or network: Joseph Weizenbaum's 1966 ELIZA running the DOCTOR
/// script (keywords with ranks, decomposition and reassembly rules, pronoun reflection, memory, NONE).
/// </summary>
/// <remarks>
/// ELIZA answers the last <see cref="ChatRole.User"/> message. Its state (where each rule is in its cycle
/// of reassemblies, what it remembers) is rebuilt from the earlier user messages on every call, so one
/// client can serve many conversations at once and a resumed conversation continues as it would have.
/// A farewell (bye, goodbye, quit) is answered with "Goodbye. Thank you for talking to me." and the end
/// token the system prompt names, or <c>[END]</c>.
/// </remarks>
public sealed class ElizaChatClient : OfflineChatClient
{
    /// <summary>The model id ELIZA reports.</summary>
    public const string ModelId = "offline:eliza";


    private readonly int _seed;

    /// <param name="seed">0 (the default) is Weizenbaum's ELIZA exactly; other seeds vary where each cycle of replies starts and which memory form is used.</param>
    public ElizaChatClient(int seed = 0)
        : base(ModelId)
    {
        _seed = seed;
    }

    internal override string Reply(IReadOnlyList<ChatMessage> history, ChatOptions? options)
    {
        var script = ElizaScript.Doctor;
        var lastUser = -1;
        for (var i = history.Count - 1; i >= 0 && lastUser < 0; i--)
        {
            if (history[i].Role == ChatRole.User)
            {
                lastUser = i;
            }
        }

        if (lastUser < 0)
        {
            return script.Greeting;
        }

        var input = history[lastUser].Text;
        if (ElizaSession.IsGoodbye(input))
        {
            return "Goodbye. Thank you for talking to me. " + OfflineStreaming.FindEndToken(history, options);
        }

        var session = new ElizaSession(script, _seed);
        for (var i = 0; i < lastUser; i++)
        {
            if (history[i].Role == ChatRole.User && history[i].Text is var earlier && !ElizaSession.IsGoodbye(earlier))
            {
                session.Respond(earlier);
            }
        }

        return session.Respond(input);
    }
}
