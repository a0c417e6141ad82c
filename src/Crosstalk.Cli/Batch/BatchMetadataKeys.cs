namespace Crosstalk.Cli.Batch;

/// <summary>Conversation metadata the batch engine writes, and export and resume read.</summary>
internal static class BatchMetadataKeys
{
    public const string Experiment = "experiment";
    public const string Key = "key";
    public const string Number = "number";
    public const string Repetition = "repetition";
    public const string Seed = "seed";
}
