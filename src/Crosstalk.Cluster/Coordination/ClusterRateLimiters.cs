using System.Threading.RateLimiting;
using Crosstalk.Cluster.Grains;

namespace Crosstalk.Cluster.Coordination;

/// <summary>A model's requests-in-flight limit for the whole cluster: each permit is taken from, and given back to, its limiter grain.</summary>
internal sealed class ClusterConcurrencyLimiter(ILimiterGrain grain, int permits, string holder) : RateLimiter
{
    // How long one call to the grain waits for a permit before the caller asks again (well inside Orleans' call timeout).
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotAcquired.Instance;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var permit = Guid.NewGuid();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await grain.AcquireAsync(permits, permit, holder, Wait))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    await grain.ReleaseAsync(permit);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return new Permit(grain, permit);
            }
        }
    }

    private sealed class Permit(ILimiterGrain grain, Guid permit) : RateLimitLease
    {
        private int _released;

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _released, 1) == 0)
            {
                // One-way: the grain counts it back without the reply waiting for an answer.
                _ = grain.ReleaseAsync(permit);
            }
        }
    }
}

/// <summary>A model's requests- or tokens-per-minute budget for the whole cluster, kept by its limiter grain.</summary>
internal sealed class ClusterPerMinuteLimiter(ILimiterGrain grain, int perMinute) : RateLimiter
{
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotAcquired.Instance;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = await grain.TryTakeAsync(perMinute, permitCount).WaitAsync(cancellationToken);
            if (wait <= TimeSpan.Zero)
            {
                return Taken.Instance;
            }

            await Task.Delay(wait, cancellationToken);
        }
    }

    private sealed class Taken : RateLimitLease
    {
        public static readonly Taken Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>The answer to a synchronous attempt: the cluster's limiters are only waited on.</summary>
internal sealed class NotAcquired : RateLimitLease
{
    public static readonly NotAcquired Instance = new();

    public override bool IsAcquired => false;

    public override IEnumerable<string> MetadataNames => [];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}
