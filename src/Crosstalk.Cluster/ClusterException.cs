namespace Crosstalk.Cluster;

/// <summary>The cluster cannot be used as asked (no silo answers, a store that is not PostgreSQL); the message says why in one sentence.</summary>
public sealed class ClusterException : Exception
{
    public ClusterException()
    {
    }

    public ClusterException(string message)
        : base(message)
    {
    }

    public ClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
