using System.Security.Cryptography;
using Crosstalk.Storage;
using Crosstalk.Web.Live;
using Microsoft.Extensions.AI;

namespace Crosstalk.Web;

/// <summary>What every page handler needs: the store, the clock, the live conversations and the form key.</summary>
internal sealed class WebContext
{
    public WebContext(WebServerOptions options, ITranscriptStore store)
    {
        Options = options;
        Store = store;
        Time = options.TimeProvider;
        Resolver = options.ModelResolver ?? OfflineModels.Resolve;
        Live = new LiveSessions(store, Resolver, Time);
        FormKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    }

    public WebServerOptions Options { get; }

    public ITranscriptStore Store { get; }

    public TimeProvider Time { get; }

    public Func<string, (IChatClient Client, string DisplayName)> Resolver { get; }

    public LiveSessions Live { get; }

    /// <summary>
    /// A secret every form posts back. A page on another site cannot read it, so it cannot make a visitor's browser
    /// start or stop conversations here (the server on loopback has no other credential to check).
    /// </summary>
    public string FormKey { get; }
}
