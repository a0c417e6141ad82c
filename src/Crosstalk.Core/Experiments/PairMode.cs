namespace Crosstalk.Experiments;

/// <summary>How an experiment pairs its models.</summary>
public enum PairMode
{
    /// <summary>Every unordered pair of different models (the original system's behaviour).</summary>
    All,

    /// <summary>Each model with itself.</summary>
    Self,

    /// <summary>Every unordered pair, and each model with itself.</summary>
    AllWithSelf,

    /// <summary>Only the pairs listed.</summary>
    Explicit,
}
