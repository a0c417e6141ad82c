namespace Crosstalk.Cluster.Grains;

/// <summary>
/// One of a model's limits for the whole cluster, keyed by the limiter's name (endpoint, model and kind): requests in
/// flight at once, or a per-minute budget of requests or tokens.
/// </summary>
public interface ILimiterGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes one of <paramref name="limit"/> permits for <paramref name="holder"/> (a silo), waiting up to
    /// <paramref name="wait"/> for one to be given back; false when none was (ask again).
    /// </summary>
    Task<bool> AcquireAsync(int limit, Guid permit, string holder, TimeSpan wait);

    /// <summary>Gives a permit back.</summary>
    [OneWay]
    Task ReleaseAsync(Guid permit);

    /// <summary>Takes <paramref name="count"/> of a <paramref name="perMinute"/> budget; zero when taken, else how long to wait before asking again.</summary>
    Task<TimeSpan> TryTakeAsync(int perMinute, int count);
}
