using System.Security.Cryptography;
using Crosstalk.Engine;
using Crosstalk.Engine.Live;
using Crosstalk.Storage;
using Crosstalk.Web.Live;

namespace Crosstalk.Web;

/// <summary>What every page handler needs: the engine and its store, the clock, the live conversations and the form key.</summary>
internal sealed class WebContext
{
    public WebContext(WebServerOptions options, CrosstalkEngine engine)
    {
        Options = options;
        Engine = engine;
        Store = engine.Store;
        Time = engine.Time;
        Live = new LiveSessions(engine, options.LiveModels);
        Follower = new LiveFollower(engine.Store, engine.Time) { Interval = options.LivePollInterval };
        FormKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    }

    public WebServerOptions Options { get; }

    public CrosstalkEngine Engine { get; }

    public ITranscriptStore Store { get; }

    public TimeProvider Time { get; }

    /// <summary>The conversations this server runs (started on its live page).</summary>
    public LiveSessions Live { get; }

    /// <summary>Done once the server's first pass over conversations without a current analysis has finished.</summary>
    public TaskCompletionSource AnalysesCaughtUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Follows any conversation through the store, whoever runs it.</summary>
    public LiveFollower Follower { get; }

    /// <summary>
    /// A secret every form posts back. A page on another site cannot read it, so it cannot make a visitor's browser
    /// start or stop conversations here (the server on loopback has no other credential to check).
    /// </summary>
    public string FormKey { get; }
}
