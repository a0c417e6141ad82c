namespace Crosstalk.Analysis.Judge;

/// <summary>What a rubric is asked about.</summary>
public enum JudgeScope
{
    /// <summary>Each message, with the messages before it as context.</summary>
    Message,

    /// <summary>The whole conversation, once.</summary>
    Transcript,
}
