namespace Crosstalk.Engine.Plans;

/// <summary>Conversation metadata the planner writes and exports, lists and the corpus read.</summary>
public static class PlanMetadataKeys
{
    /// <summary>The experiment the conversation belongs to.</summary>
    public const string Experiment = "experiment";

    /// <summary>The experiment's stable key for the conversation.</summary>
    public const string Key = "key";

    /// <summary>Its 1-based position in the experiment.</summary>
    public const string Number = "number";

    /// <summary>Its repetition.</summary>
    public const string Repetition = "repetition";

    /// <summary>The offline agents' seed.</summary>
    public const string Seed = "seed";
}
